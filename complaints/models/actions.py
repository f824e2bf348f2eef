"""Resolution actions: what the desk does for the customer from the ticket — a refund, a
replacement order, a goodwill coupon or points, cancelling the order.

Each action runs through the shop's own services (complaints.services.actions): at once within
the agent's limit, or after a lead approves the `GoodwillApproval` it asked for. It names what
it made by type and id (a refund, an order, a coupon, a points entry)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .tickets import Ticket

RESOLVE_PERMISSION = "complaints.resolve_ticket"


class ResolutionAction(models.Model):
    class Kind(models.TextChoices):
        REFUND = "refund", _("Refund")
        REPLACEMENT = "replacement", _("Replacement order")
        COUPON = "coupon", _("Goodwill coupon")
        POINTS = "points", _("Goodwill points")
        CANCEL = "cancel", _("Cancel the order")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        AWAITING_APPROVAL = "awaiting_approval", _("Waiting for a lead's approval")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused by a lead")
        FAILED = "failed", _("Failed")

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="actions", verbose_name=_("complaint")
    )
    kind = models.CharField(_("action"), max_length=20, choices=Kind)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.REQUESTED)
    # Money (SHOP_CURRENCY) for a refund, a coupon and a cancellation (what it gives back);
    # whole points for points; zero for a replacement.
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default=settings.SHOP_CURRENCY)
    valid_days = models.PositiveSmallIntegerField(_("valid for (days)"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255)
    # The form's one-time token: the same form posted twice (a double click) is one action.
    request_key = models.CharField(max_length=64)
    approval = models.OneToOneField(
        "crm.GoodwillApproval",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approval"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    # What the action made: ("payments.refund", id), ("orders.order", id), ("orders.coupon",
    # id), ("payments.pointsentry", id).
    result_type = models.CharField(max_length=40, blank=True)
    result_id = models.CharField(max_length=40, blank=True)
    error = models.CharField(_("error"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("resolution action")
        verbose_name_plural = _("resolution actions")
        ordering = ["-created_at", "-pk"]
        default_permissions = ("view",)
        permissions = [
            (
                "resolve_ticket",
                _(
                    "Can resolve complaints: refunds, replacements, goodwill and cancellations "
                    "(within their limit, else with a lead's approval)"
                ),
            )
        ]
        indexes = [models.Index(fields=["ticket", "-created_at"], name="complaint_action_idx")]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "request_key"], name="complaint_action_once"),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="complaint_action_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def is_money(self) -> bool:
        return self.kind in (self.Kind.REFUND, self.Kind.COUPON, self.Kind.CANCEL)


class ResolutionActionLine(models.Model):
    """An order line a refund or a replacement is about, and how many of it."""

    action = models.ForeignKey(ResolutionAction, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "orders.OrderLine", on_delete=models.CASCADE, related_name="+", verbose_name=_("item")
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("resolution action item")
        verbose_name_plural = _("resolution action items")
        constraints = [
            models.UniqueConstraint(
                fields=["action", "order_line"], name="complaint_action_line_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action_id}: {self.order_line_id} × {self.quantity}"
