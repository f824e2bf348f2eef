"""Template helpers every app's pages use."""

import time
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from django import template
from django.conf import settings
from django.db import models
from django.template.base import FilterExpression, token_kwargs
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString, mark_safe

from shop import dates, pagecache
from shop.choices import choice_label
from shop.kept import Kept
from shop.money import format_money

register = template.Library()
# Set while a chrome part renders: visitor parts are markers then.
CHROME_FILLING = "_shop_chrome_filling"


@register.filter
def money(value: Decimal | None, currency: str | None = None) -> str:
    """1234.5 -> '₺1.234,50' in Turkish, '₺1,234.50' in English."""
    return format_money(value, currency)


@register.simple_tag
def day_span(start: date | str | None, end: date | str | None = None) -> str:
    """`{% day_span order.promised_from order.promised_to %}`: "Thursday 10 – Friday 11
    December" in the active language; empty without a start."""
    return dates.day_span(start, end) if start else ""


@register.inclusion_tag("shop/_delivery_promise.html")
def delivery_promise(
    promise: object, *, countdown: bool = False, element_id: str = "delivery-promise"
) -> dict:
    """ "Order before 15:00 and it arrives Thursday 10 – Friday 11 December" for a promise (an
    object with `order_by`, `earliest`, `latest`); with `countdown`, the page's script turns the
    first half into "Order within 3 h 20 min"."""
    zone = ZoneInfo(settings.TIME_ZONE)
    order_by = promise.order_by.astimezone(zone)
    return {
        "order_by": order_by,
        # The shop's own clock (the warehouse's), whatever zone the reader has chosen.
        "cutoff_time": order_by.strftime("%H:%M"),
        "cutoff_day": date_format(order_by, "l"),
        "cutoff_today": order_by.date() == timezone.now().astimezone(zone).date(),
        "arrives": dates.day_span(promise.earliest, promise.latest),
        "countdown": countdown,
        "element_id": element_id,
    }


@register.filter
def display(obj: models.Model, field_name: str) -> object:
    """`{{ order|display:"status" }}`: the label `get_status_display` gives, at less cost."""
    return choice_label(obj, field_name)


@register.filter
def vat_percent(rate: Decimal | str) -> str:
    """Decimal('0.20') -> '%20' in Turkish, '20%' in English."""
    number = f"{Decimal(rate) * 100:.0f}"
    return f"%{number}" if translation.get_language() == "tr" else f"{number}%"


@register.simple_tag(takes_context=True)
def visitor(context: template.Context, name: str, *arguments: object) -> SafeString:
    """A part of the page that differs per visitor (shop.pagecache): the real value, or, while
    the page is rendered for the page cache, a marker each response fills for its visitor.
    `arguments` are the page's own values the part needs (`{% visitor "x" variant.pk %}`)."""
    request = context.get("request")
    if request is None:
        return mark_safe("")
    name = pagecache.part_name(name, *arguments)
    if pagecache.is_filling(request) or context.get(CHROME_FILLING):
        return mark_safe(pagecache.marker(name))  # noqa: S308
    return mark_safe(pagecache.render_visitor_part(request, name))  # noqa: S308


# --- Chrome: the parts of every page that are the same for every visitor ------------------------

CHROME_KEPT = 2048  # (part, page template, language, versions, key): a few kB each, per worker
# key -> (kept until, the rendered part split around its visitor parts)
CHROME = Kept(CHROME_KEPT)


class ChromeNode(template.Node):
    """`{% chrome "header" versions="menu" %}…{% endchrome %}`: rendered once per worker for
    each page template, language, version of what it shows (`versions`: names of
    shop.pagecache versions, a comma-separated text or a list) and the values of any other
    keyword (`variant=variant.pk`), then filled per response with the visitor's parts
    (`{% visitor %}`). Kept at most PAGE_CACHE_SECONDS, like an anonymous page.

    Everything inside must be the same for every visitor with that key; anything that is not
    belongs in a visitor part or in the key."""

    child_nodelists = ("nodelist",)

    def __init__(
        self, nodelist: template.NodeList, name: str, kwargs: dict[str, FilterExpression]
    ) -> None:
        self.nodelist, self.name = nodelist, name
        self.versions = kwargs.pop("versions", None)
        self.kwargs = kwargs

    def _key(self, context: template.Context) -> tuple:
        names = self.versions.resolve(context) if self.versions is not None else ()
        if isinstance(names, str):
            names = [name for name in names.split(",") if name]
        tokens = pagecache.versions(names) if names else {}
        return (
            self.name,
            context.template.origin.name if context.template else "",
            translation.get_language() or "",
            *sorted(tokens.items()),
            *sorted((name, value.resolve(context)) for name, value in self.kwargs.items()),
        )

    def render(self, context: template.Context) -> SafeString:
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        key = self._key(context)
        now = time.monotonic()
        kept = CHROME.get(key)
        if kept is None or kept[0] <= now:
            with context.push({CHROME_FILLING: True}):
                pieces = pagecache.split_text(self.nodelist.render(context))
            kept = CHROME.put(key, (now + settings.PAGE_CACHE_SECONDS, pieces))
        return mark_safe(pagecache.fill_text(request, kept[1]))  # noqa: S308


@register.tag
def chrome(parser: template.base.Parser, token: template.base.Token) -> ChromeNode:
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% chrome %} needs the part's name")
    name, rest = bits[0].strip("\"'"), bits[1:]
    kwargs = token_kwargs(rest, parser)
    if rest:
        raise template.TemplateSyntaxError(f"{{% chrome %}} takes only keywords: {rest}")
    nodelist = parser.parse(("endchrome",))
    parser.delete_first_token()
    return ChromeNode(nodelist, name, kwargs)
