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
    next_url: str  # where the chooser comes back to
    in_cart: bool = False  # the cart says what is left for free shipping; a product its threshold
    provinces: tuple[str, ...] = PROVINCES_IN_ORDER


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


# Stand-ins for what differs per visitor in a kept product-page part.
_CSRF = "__dk_shipping_csrf__"
_NEXT = "__dk_shipping_next__"
# (language, shipping version, province, weight, price) -> the part, kept per worker.
PRODUCT_PARTS = Kept(4096)


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
        box = ShippingBox(estimate=found, next_url=_NEXT)
        html = render_to_string(
            "orders/_shipping_estimate.html", {"shipping": box, "csrf_token": _CSRF}
        )
        part = PRODUCT_PARTS.put(key, html)
    return part.replace(_CSRF, csrf_token(request)).replace(_NEXT, escape(request.get_full_path()))


def cart_shipping_box(
    request: HttpRequest, *, priced: PricedCart, user: User | None
) -> ShippingBox | None:
    """The cart's estimate for its priced lines (None when nothing in it ships)."""
    found = selectors.cart_shipping_estimate(
        priced=priced, user=user, province=chosen_province(request)
    )
    if found is None:
        return None
    return ShippingBox(estimate=found, next_url=reverse("orders:cart"), in_cart=True)
