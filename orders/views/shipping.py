"""Shipping before the address: the province chooser, and the estimate the product page and
the cart show (to the chosen province, or "from" the cheapest rate while none is chosen).

The product page is shared by every anonymous visitor (shop.pagecache), so its estimate is a
visitor part filled per response; the page's marker carries the variant's weight and price.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from shop import pagecache
from shop.kept import Kept
from shop.models import User
from shop.visitor import csrf_token

from .. import selectors
from ..cart_session import chosen_province, remember_province
from ..forms import ProvinceForm
from ..geo import PROVINCES_IN_ORDER
from ..pricing import PricedCart
from ..shipping import ShippingEstimate

PART_NAME = "shipping_estimate"


@dataclass(frozen=True)
class ShippingBox:
    """What `orders/_shipping_estimate.html` shows: the estimate and the province chooser."""

    estimate: ShippingEstimate
    chooser: str  # the chooser's HTML (province_chooser)
    in_cart: bool = False  # the cart says what is left for free shipping; a product its threshold


def _same_site(request: HttpRequest, url: str) -> str:
    """`url` if it is an address of this site, else "" (never another site's)."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


@require_POST
def shipping_province(request: HttpRequest) -> HttpResponse:
    """Remember the province shipping is estimated for, then back to the page it was chosen on
    (htmx follows that redirect and swaps the estimate in place)."""
    form = ProvinceForm(request.POST)
    back = (
        _same_site(request, request.POST.get("next", ""))
        or _same_site(request, request.headers.get("referer", ""))
        or reverse("orders:cart")
    )
    if not form.is_valid():
        given = request.POST.get("province", "").strip()[:60]
        if given:
            error = _("There is no province called “%(name)s”. Choose one from the list.") % {
                "name": given
            }
        else:
            error = _("Choose a province of Turkey.")
        messages.error(request, error)
        if request.htmx:  # the whole page again, so the message shows where messages do
            return HttpResponseClientRedirect(back)
        return redirect(back)
    remember_province(request, form.cleaned_data["province"])
    return redirect(back)


# Stand-ins for what differs per visitor in a kept part.
_CSRF = "__dk_shipping_csrf__"
_NEXT = "__dk_shipping_next__"
_CHOOSER = "__dk_shipping_chooser__"
# (language, province) -> the chooser with its 81 options, kept per worker (a few kB each).
CHOOSERS = Kept(256)
# (language, shipping version, province, weight, price) -> a product page's line, kept per worker.
PRODUCT_PARTS = Kept(4096)


def _options(chosen: str) -> str:
    return "".join(
        f"<option{' selected' if name == chosen else ''}>{escape(name)}</option>"
        for name in PROVINCES_IN_ORDER
    )


def province_chooser(request: HttpRequest, *, province: str, next_url: str) -> str:
    """The chooser's form for this visitor: the same for every visitor of a language and
    province (kept), with their own CSRF token and the page it comes back to."""
    key = (translation.get_language() or "", province)
    html = CHOOSERS.get(key)
    if html is None:
        context = {
            "province": province,
            "options": mark_safe(_options(province)),  # noqa: S308 - names escaped above
            "csrf_token": _CSRF,
            "next_url": _NEXT,
        }
        html = CHOOSERS.put(key, render_to_string("orders/_province_chooser.html", context))
    return mark_safe(  # noqa: S308 - the token is CSRF's alphabet, the address escaped
        html.replace(_CSRF, csrf_token(request)).replace(_NEXT, escape(next_url))
    )


def product_shipping_part(request: HttpRequest, weight: str = "", price: str = "") -> str:
    """The product page's shipping line and chooser for this visitor (a pagecache visitor part
    with the variant's weight in grams and price). No query once the methods are kept."""
    try:
        weight_grams, amount = int(weight), Decimal(price)
    except (ValueError, InvalidOperation):
        return ""
    if weight_grams < 0 or not amount.is_finite() or amount < 0:
        return ""
    province = chosen_province(request)
    version = pagecache.versions([selectors.SHIPPING_VERSION])[selectors.SHIPPING_VERSION]
    key = (translation.get_language() or "", version, province, weight_grams, amount)
    part = PRODUCT_PARTS.get(key)
    if part is None:
        found = selectors.product_shipping_estimate(
            province=province, weight_grams=weight_grams, price=amount
        )
        box = ShippingBox(estimate=found, chooser=_CHOOSER)
        part = PRODUCT_PARTS.put(
            key, render_to_string("orders/_shipping_estimate.html", {"shipping": box})
        )
    if _CHOOSER not in part:  # nothing ships it anywhere: no chooser either
        return part
    chooser = province_chooser(request, province=province, next_url=request.get_full_path())
    return part.replace(_CHOOSER, chooser)


def cart_shipping_box(
    request: HttpRequest, *, priced: PricedCart, user: User | None
) -> ShippingBox | None:
    """The cart's estimate for its priced lines (None when nothing in it ships)."""
    province = chosen_province(request)
    found = selectors.cart_shipping_estimate(priced=priced, user=user, province=province)
    if found is None:
        return None
    chooser = province_chooser(request, province=province, next_url=reverse("orders:cart"))
    return ShippingBox(estimate=found, chooser=chooser, in_cart=True)
