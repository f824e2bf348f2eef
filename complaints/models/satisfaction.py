"""The satisfaction survey sent when a ticket is resolved: one per resolution (a reopened and
resolved-again ticket asks again), answered once through a signed link that needs no login."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .tickets import Ticket


def new_survey_token() -> str:
    return secrets.token_hex(16)


class SatisfactionSurvey(models.Model):
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="surveys", verbose_name=_("complaint")
    )
    # 1 for the first resolution, 2 after a reopen and a second resolution, ...
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    token = models.CharField(max_length=40, unique=True, default=new_survey_token, editable=False)
    # Who resolved it (the agent the answer counts for in the reports).
    agent = models.ForeignKey(
        "shop.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    solved = models.BooleanField(_("solved"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "round"], name="csat_ticket_round_unique"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="csat_score_1_to_5",
            ),
        ]
        indexes = [
            # The reminder sweep: unanswered, not reminded, oldest first.
            models.Index(
                fields=["created_at"],
                condition=Q(answered_at__isnull=True, reminded_at__isnull=True),
                name="csat_reminder_due_idx",
            ),
            models.Index(fields=["agent", "answered_at"], name="csat_agent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}#{self.round}"

    @property
    def unhappy(self) -> bool:
        """A score of 1–2 or "not solved": the ticket reopens and the lead hears of it."""
        return self.answered_at is not None and (
            (self.score is not None and self.score <= 2) or self.solved is False
        )
