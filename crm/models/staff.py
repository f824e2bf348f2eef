"""Staff teams, per-agent goodwill limits and the approvals a team lead gives above them."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["AgentLimit", "GoodwillApproval", "Team"]


class Team(models.Model):
    """A group of agents with one lead (the complaint desk and the chat assign work to teams)."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teams_led",
        verbose_name=_("team lead"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="teams", verbose_name=_("members")
    )
    # An outside company's agents: they see a customer's name but not their email, phone or
    # address (docs/complaints.md, "The staff desk").
    outsourced = models.BooleanField(
        _("outsourced"),
        default=False,
        help_text=_("Its agents see customers' names but not their email, phone or address."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgentLimit(models.Model):
    """The most an agent may give without a lead's approval: set for a group (a role) and
    overridden per agent; a blank field on an agent's row keeps the group's value."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="agent_limit",
        verbose_name=_("agent"),
    )
    group = models.OneToOneField(
        Group,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="agent_limit",
        verbose_name=_("staff group"),
    )
    max_goodwill_points = models.PositiveIntegerField(
        _("most goodwill points"), null=True, blank=True
    )
    max_coupon_value = models.DecimalField(
        _("most coupon value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_refund_amount = models.DecimalField(
        _("most refund amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("agent limit")
        verbose_name_plural = _("agent limits")
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(group__isnull=True))
                | (Q(user__isnull=True) & Q(group__isnull=False)),
                name="crm_agentlimit_user_or_group",
            ),
            models.CheckConstraint(
                condition=Q(max_coupon_value__gte=0) | Q(max_coupon_value__isnull=True),
                name="crm_agentlimit_coupon_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(max_refund_amount__gte=0) | Q(max_refund_amount__isnull=True),
                name="crm_agentlimit_refund_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user or self.group)


class GoodwillApproval(models.Model):
    """A goodwill grant above the asking agent's limit, waiting for (or decided by) a lead."""

    class Kind(models.TextChoices):
        POINTS = "points", _("Goodwill points")
        COUPON = "coupon", _("Personal coupon")
        REFUND = "refund", _("Refund")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="goodwill_approvals",
        verbose_name=_("customer"),
    )
    kind = models.CharField(_("what"), max_length=10, choices=Kind)
    # Points for POINTS, money (SHOP_CURRENCY) for COUPON and REFUND.
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.CharField(_("decision note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("goodwill approval")
        verbose_name_plural = _("goodwill approvals")
        ordering = ["-created_at"]
        permissions = [("decide_goodwill", _("Can approve goodwill above an agent's limit"))]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="crm_goodwill_status_idx"),
            models.Index(fields=["customer", "-created_at"], name="crm_goodwill_customer_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="crm_goodwill_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} ({self.get_status_display()})"
