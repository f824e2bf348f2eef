"""Catalog texts (names of products and categories) in the viewer's language, inside a query."""

from django.db.models import CharField, F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language


def language_code() -> str:
    """The active language if the catalog has texts in it, else Turkish."""
    language = (get_language() or "tr").split("-")[0]
    return language if language in ("tr", "en") else "tr"


def translated(field: str) -> Coalesce:
    """A translated catalog field (`name`, `product__name`) in the viewer's language, the
    Turkish text where that one is empty."""
    return Coalesce(
        NullIf(F(f"{field}_{language_code()}"), Value("")),
        F(f"{field}_tr"),
        output_field=CharField(),
    )
