"""Procedures: a playbook per category (and optionally channel and team) that agents follow,
written by managers in versions (every change is a new version; old ones are kept and never
edited), acknowledged by agents, and recorded on the tickets that followed them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..states import Category, Channel

__all__ = ["Procedure", "ProcedureAcknowledgement", "ProcedureVersion", "TicketProcedureUse"]

# The parts of a version, each written in Turkish (required) and English (optional).
VERSION_TEXTS = ("how_to_respond", "how_far_to_bend", "where_to_be_firm", "compensation")


class Procedure(models.Model):
    """Which tickets a playbook is for: a category, on one channel or any (blank), for one
    team or every team (none). Its words live in its versions."""

    category = models.CharField(_("category"), max_length=20, choices=Category)
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel, blank=True, help_text=_("Blank: any channel.")
    )
    team = models.ForeignKey(
        "crm.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
        help_text=_("Blank: every team."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["category", "channel", "team__name"]
        permissions = [
            ("write_procedure", _("Can write procedures (each change a new version)")),
            ("acknowledge_procedure", _("Can acknowledge procedures and record the one followed")),
            ("view_acknowledgements", _("Can see who has not acknowledged a procedure")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "channel", "team"],
                condition=Q(team__isnull=False),
                name="procedure_unique_per_team",
            ),
            models.UniqueConstraint(
                fields=["category", "channel"],
                condition=Q(team__isnull=True),
                name="procedure_unique_any_team",
            ),
        ]

    def __str__(self) -> str:
        channel = Channel(self.channel).label if self.channel else _("any channel")
        text = f"{Category(self.category).label} · {channel}"
        if self.team_id:
            text += f" · {self.team}"
        return text


class ProcedureVersion(models.Model):
    """One version of a procedure: numbered 1, 2, 3… per procedure and immutable once written."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="versions", verbose_name=_("procedure")
    )
    number = models.PositiveIntegerField(_("version"))
    how_to_respond_tr = models.TextField(_("how to respond (Turkish)"))
    how_to_respond_en = models.TextField(_("how to respond (English)"), blank=True)
    how_far_to_bend_tr = models.TextField(_("how far to bend (Turkish)"))
    how_far_to_bend_en = models.TextField(_("how far to bend (English)"), blank=True)
    where_to_be_firm_tr = models.TextField(_("where to be firm (Turkish)"))
    where_to_be_firm_en = models.TextField(_("where to be firm (English)"), blank=True)
    compensation_tr = models.TextField(_("compensation without approval (Turkish)"), blank=True)
    compensation_en = models.TextField(_("compensation without approval (English)"), blank=True)
    # What an agent may give on their own under this version (SHOP_CURRENCY / points); the
    # agent's own limit (crm AgentLimit) still applies when it is lower.
    compensation_amount = models.DecimalField(
        _("most compensation"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    compensation_points = models.PositiveIntegerField(_("most points"), null=True, blank=True)
    change_note = models.CharField(_("what changed"), max_length=255, blank=True)
    # None: the starting set the shop shipped with (a data migration).
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="procedure_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(compensation_amount__gte=0) | Q(compensation_amount__isnull=True),
                name="procedure_compensation_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return _("%(procedure)s, version %(number)d") % {
            "procedure": self.procedure,
            "number": self.number,
        }

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValidationError(_("A procedure version is never changed: write a new one."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A procedure version is kept: it cannot be deleted."))

    def text(self, part: str, language: str | None = None) -> str:
        """One part in the reader's language, falling back to Turkish."""
        language = (language or get_language() or "tr")[:2]
        if language == "en":
            english = getattr(self, f"{part}_en")
            if english:
                return english
        return getattr(self, f"{part}_tr")

    def texts(self, language: str | None = None) -> dict[str, str]:
        return {part: self.text(part, language) for part in VERSION_TEXTS}


class ProcedureAcknowledgement(models.Model):
    """An agent has read one version."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="procedure_acknowledgements",
        verbose_name=_("agent"),
    )
    version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.PROTECT,
        related_name="acknowledgements",
        verbose_name=_("procedure version"),
    )
    created_at = models.DateTimeField(_("read at"), default=timezone.now)

    class Meta:
        verbose_name = _("procedure acknowledgement")
        verbose_name_plural = _("procedure acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="procedure_ack_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.version}"


class TicketProcedureUse(models.Model):
    """An agent followed this version on this ticket; the latest row is the one recorded."""

    ticket = models.ForeignKey(
        "complaints.Ticket", on_delete=models.CASCADE, related_name="procedure_uses"
    )
    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.PROTECT, related_name="uses", verbose_name=_("version")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("procedure followed")
        verbose_name_plural = _("procedures followed")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["ticket", "-created_at"], name="ticket_procedure_use_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} · {self.version}"
