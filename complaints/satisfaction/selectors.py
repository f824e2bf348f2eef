"""Reads of the satisfaction survey."""

from ..models import SatisfactionSurvey
from .links import survey_token_read


def survey_by_link(signed: str) -> SatisfactionSurvey | None:
    """The survey a link names, or None for an altered or unknown one."""
    token = survey_token_read(signed)
    if token is None:
        return None
    return (
        SatisfactionSurvey.objects.select_related("ticket")
        .only(
            "token", "round", "created_at", "answered_at", "score", "solved", "comment",
            "ticket__number", "ticket__subject", "ticket__status", "ticket__customer_id",
            "ticket__language",
        )  # fmt: skip
        .filter(token=token)
        .first()
    )


def ticket_surveys(ticket_id: int) -> list[SatisfactionSurvey]:
    return list(SatisfactionSurvey.objects.filter(ticket_id=ticket_id).order_by("round"))
