"""Quality review: a lead scores a resolved ticket on a short scorecard (once per ticket)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["QualityReview"]


class Score(models.IntegerChoices):
    NO = 0, _("No")
    PARTLY = 1, _("Partly")
    YES = 2, _("Yes")


# The scorecard's questions, in the order the form asks them.
SCORECARD = ("greeting", "procedure", "resolution", "language")
SCORE_MAX = 2 * len(SCORECARD)


class QualityReview(models.Model):
    ticket = models.OneToOneField(
        "complaints.Ticket",
        on_delete=models.CASCADE,
        related_name="quality_review",
        verbose_name=_("complaint"),
    )
    # Whose work is scored: the ticket's assignee when it was reviewed.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="quality_reviews",
        verbose_name=_("agent"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    greeting = models.PositiveSmallIntegerField(_("greeting and empathy"), choices=Score)
    procedure = models.PositiveSmallIntegerField(_("the right procedure followed"), choices=Score)
    resolution = models.PositiveSmallIntegerField(_("the right resolution"), choices=Score)
    language = models.PositiveSmallIntegerField(_("clear language"), choices=Score)
    total = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("reviewed at"), default=timezone.now)

    class Meta:
        verbose_name = _("quality review")
        verbose_name_plural = _("quality reviews")
        ordering = ["-created_at"]
        permissions = [("review_quality", _("Can review the quality of resolved complaints"))]
        indexes = [models.Index(fields=["agent", "created_at"], name="quality_agent_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(greeting__lte=2)
                & Q(procedure__lte=2)
                & Q(resolution__lte=2)
                & Q(language__lte=2),
                name="quality_scores_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(agent=models.F("reviewer")), name="quality_not_own_ticket"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.total}/{SCORE_MAX}"
