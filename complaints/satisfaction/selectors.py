"""Reads of the satisfaction survey."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from ..models import SatisfactionSurvey
from .links import survey_token_read

SURVEY_PAGE_FIELDS = (
    "token", "round", "created_at", "answered_at", "score", "solved", "comment", "ticket_id",
    "ticket__number", "ticket__subject", "ticket__status", "ticket__language",
)  # fmt: skip


def survey_by_link(signed: str) -> SatisfactionSurvey | None:
    """The survey a link names, or None for an altered or unknown one."""
    token = survey_token_read(signed)
    if token is None:
        return None
    return (
        SatisfactionSurvey.objects.select_related("ticket")
        .only(*SURVEY_PAGE_FIELDS)
        .filter(token=token)
        .first()
    )


def ticket_surveys(ticket_id: int) -> list[SatisfactionSurvey]:
    return list(SatisfactionSurvey.objects.filter(ticket_id=ticket_id).order_by("round"))


def survey_pending(ticket_id: int) -> SatisfactionSurvey | None:
    """The survey the customer can still answer about this ticket (the latest, unanswered,
    within COMPLAINTS_CSAT_ANSWER_DAYS), or None."""
    since = timezone.now() - timedelta(days=settings.COMPLAINTS_CSAT_ANSWER_DAYS)
    return (
        SatisfactionSurvey.objects.filter(
            ticket_id=ticket_id, answered_at=None, created_at__gt=since
        )
        .only("token")
        .order_by("-round")
        .first()
    )
