"""Template helpers every app's pages use."""

import threading
from collections import OrderedDict
from decimal import Decimal

from django import template
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from shop import pagecache
from shop.money import format_money

register = template.Library()
# Set while a chrome part renders: visitor parts are markers then.
CHROME_FILLING = "_shop_chrome_filling"


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
    if pagecache.is_filling(request) or context.get(CHROME_FILLING):
        return mark_safe(pagecache.marker(name))  # noqa: S308
    return mark_safe(pagecache.render_visitor_part(request, name))  # noqa: S308


# --- Chrome: the parts of every page that are the same for every visitor ------------------------

CHROME_KEPT = 256  # (part, page template, language, versions): a few kB each, per worker
_chrome: OrderedDict[tuple, tuple[str, ...]] = OrderedDict()
_chrome_lock = threading.Lock()


class ChromeNode(template.Node):
    """`{% chrome "header" "menu" %}…{% endchrome %}`: rendered once per worker for each page
    template, language and version of what it shows (the names after the part's own, see
    shop.pagecache), then filled per response with the visitor's parts (`{% visitor %}`).

    Everything inside must be the same for every visitor of that page template and language;
    anything that is not belongs in a visitor part."""

    child_nodelists = ("nodelist",)

    def __init__(self, nodelist: template.NodeList, name: str, versions: tuple[str, ...]) -> None:
        self.nodelist, self.name, self.versions = nodelist, name, versions

    def render(self, context: template.Context) -> SafeString:
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        tokens = pagecache.versions(self.versions) if self.versions else {}
        key = (
            self.name,
            context.template.origin.name if context.template else "",
            translation.get_language() or "",
            *sorted(tokens.items()),
        )
        with _chrome_lock:
            pieces = _chrome.get(key)
            if pieces is not None:
                _chrome.move_to_end(key)
        if pieces is None:
            with context.push({CHROME_FILLING: True}):
                pieces = pagecache.split_text(self.nodelist.render(context))
            with _chrome_lock:
                _chrome[key] = pieces
                while len(_chrome) > CHROME_KEPT:
                    _chrome.popitem(last=False)
        return mark_safe(pagecache.fill_text(request, pieces))  # noqa: S308


@register.tag
def chrome(parser: template.base.Parser, token: template.base.Token) -> ChromeNode:
    name, *versions = (bit.strip("\"'") for bit in token.split_contents()[1:])
    nodelist = parser.parse(("endchrome",))
    parser.delete_first_token()
    return ChromeNode(nodelist, name, tuple(versions))
