"""Template helpers every app's pages use."""

from decimal import Decimal

from django import template
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from shop import pagecache
from shop.money import format_money

register = template.Library()


@register.filter
def money(value: Decimal | None, currency: str | None = None) -> str:
    """1234.5 -> '₺1.234,50' in Turkish, '₺1,234.50' in English."""
    return format_money(value, currency)


@register.filter
def vat_percent(rate: Decimal | str) -> str:
    """Decimal('0.20') -> '%20' in Turkish, '20%' in English."""
    number = f"{Decimal(rate) * 100:.0f}"
    return f"%{number}" if translation.get_language() == "tr" else f"{number}%"


@register.simple_tag(takes_context=True)
def visitor(context: template.Context, name: str) -> SafeString:
    """A part of the page that differs per visitor (shop.pagecache): the real value, or, while
    the page is rendered for the page cache, a marker each response fills for its visitor."""
    request = context.get("request")
    if request is None:
        return mark_safe("")
    if pagecache.is_filling(request):
        return mark_safe(pagecache.marker(name))  # noqa: S308
    return mark_safe(pagecache.render_visitor_part(request, name))  # noqa: S308
