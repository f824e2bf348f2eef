"""Canned responses rendered for one conversation: the restricted placeholder syntax of
`crm.notifications.placeholders` over a fixed list of names, never a Django template."""

from django.db.models import Q, QuerySet

from crm.notifications.placeholders import placeholders_check, render_placeholders

from ..models import CannedResponse
from ..models.canned import CANNED_PLACEHOLDERS

__all__ = ["CANNED_PLACEHOLDERS", "canned_check", "canned_render", "canned_responses"]


def canned_check(text: str) -> list[str]:
    """The placeholders `text` names; PlaceholderError (saying which) for any other."""
    return placeholders_check(text, CANNED_PLACEHOLDERS)


def canned_render(*, canned: CannedResponse, values: dict[str, str]) -> str:
    """The response's text with each placeholder filled (a missing value renders empty)."""
    filled = {name: str(values.get(name) or "") for name in CANNED_PLACEHOLDERS}
    return render_placeholders(canned.body, filled)


def canned_responses(*, language: str, category: str = "") -> QuerySet[CannedResponse]:
    """The active responses in a language, for a category (and those for every category)."""
    return (
        CannedResponse.objects.filter(active=True, language=language)
        .filter(Q(category="") | Q(category=category))
        .only("pk", "title", "language")
        .order_by("title", "pk")
    )
