"""Reads of the satisfaction survey."""

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
