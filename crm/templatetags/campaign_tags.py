"""Rates on the campaign report, written in the reader's language."""

from decimal import Decimal

from django import template
from django.utils import formats, translation
from django.utils.translation import gettext as _

register = template.Library()


def _number(value: Decimal) -> str:
    return formats.number_format((value * 100).quantize(Decimal("0.1")), 1)


@register.filter
def percent(rate: Decimal | None) -> str:
    """Decimal('0.125') -> '%12,5' in Turkish, '12.5%' in English."""
    if rate is None:
        return "—"
    number = _number(rate)
    if number.startswith("-"):
        return f"-%{number[1:]}" if translation.get_language() == "tr" else f"{number}%"
    return f"%{number}" if translation.get_language() == "tr" else f"{number}%"


@register.filter
def percent_points(difference: Decimal | None) -> str:
    """A difference of two rates in percentage points, signed: '+3.2 pp'."""
    if difference is None:
        return "—"
    number = _number(difference)
    sign = "" if number.startswith("-") else "+"
    return _("%(number)s pp") % {"number": f"{sign}{number}"}
