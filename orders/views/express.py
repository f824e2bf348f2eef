"""One-click buying pages: "Buy now" (product page), "Buy again" (My orders), the confirmation.

The confirmation page shows this order's pre-information form and contract above a single
"Buy now" button; pressing it places the express cart through `order_place` and charges the
default saved card. 3-D Secure or a declined card continue on the order's payment page.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from payments.models import SavedCard
from payments.services import CheckoutPayment, payment_problem
from payments.states import ACCEPTED, PaymentMethod, PaymentStatus
from shop.exceptions import ShopError
from shop.net import client_ip

from .. import selectors, services
from ..attribution import source_ref_from_session
from ..cart_session import remember_just_placed
from ..legal import Buyer, LegalDocument, render_documents
from ..models import Address, Cart, CartStatus
from ..selectors.checkout import CheckoutQuote


@login_required
@require_POST
def buy_now(request: HttpRequest) -> HttpResponse:
    try:
        variant_id = int(request.POST.get("variant", ""))
        quantity = int(request.POST.get("quantity", "1") or 1)
        cart = services.express_cart_create(user=request.user, items=[(variant_id, quantity)])
    except ValueError:
        raise Http404 from None
    except ShopError as error:
        messages.error(request, str(error))
        return redirect(_page_before(request))
    return redirect("orders:express", pk=cart.pk)


def _page_before(request: HttpRequest) -> str:
    """The Referer if it is a page of this site, else the home page (never another site's)."""
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return reverse("catalog:home")


@login_required
@require_POST
def buy_again(request: HttpRequest, number: str) -> HttpResponse:
    order = selectors.order_for_viewer(number=number, user=request.user, guest_numbers=[])
    try:
        cart = services.express_cart_from_order(user=request.user, order=order)
    except ShopError as error:
        messages.error(request, str(error))
        return redirect("orders:order_list")
    return redirect("orders:express", pk=cart.pk)


@dataclass
class ExpressPage:
    cart: Cart
    quote: CheckoutQuote
    shipping: Address | None
    billing: Address | None
    card: SavedCard | None
    documents: list[LegalDocument]

    @property
    def problem(self) -> str:
        priced = self.quote.priced
        if self.card is None or self.card.expired():
            return _("Save a card in My wallet to buy in one click.")
        if self.billing is None or (priced.needs_shipping and self.shipping is None):
            return _("Add a default address to your address book to buy in one click.")
        if priced.needs_shipping and priced.shipping is None:
            return _("We cannot deliver this cart to that address yet.")
        if priced.has_problems:
            return _("Some items are not available in this quantity.")
        return ""


def _express_page(request: HttpRequest, cart: Cart) -> ExpressPage:
    user = request.user
    addresses = list(selectors.addresses_of(user=user))
    shipping = next((a for a in addresses if a.is_default_shipping), None) or (
        addresses[0] if addresses else None
    )
    billing = next((a for a in addresses if a.is_default_billing), None) or shipping
    card = SavedCard.objects.filter(user=user, is_default=True).first()
    quote = selectors.cart_quote(
        cart=cart,
        user=user,
        email=user.email,
        country=shipping.country if shipping else "",
        province=shipping.province if shipping else "",
        payment_method=PaymentMethod.WALLET,
    )
    documents = render_documents(
        priced=quote.priced,
        buyer=Buyer.of(
            email=user.email,
            phone=user.phone or (billing.phone if billing else ""),
            billing=billing or Address(full_name=user.get_full_name()),
            delivery=shipping if quote.priced.needs_shipping else None,
        ),
        payment_label=str(PaymentMethod.WALLET.label),
        language=request.LANGUAGE_CODE,
    )
    return ExpressPage(cart, quote, shipping, billing, card, documents)


@login_required
def express(request: HttpRequest, pk: int) -> HttpResponse:
    """The one confirmation page of a one-click purchase, and its single "Buy now" button."""
    cart = Cart.objects.filter(pk=pk, user=request.user, status=CartStatus.EXPRESS).first()
    if cart is None:
        resubmitted = selectors.order_by_token(token=request.POST.get("token", ""))
        if resubmitted is not None and resubmitted.user_id == request.user.pk:
            return redirect("orders:confirmation", number=resubmitted.number)
        raise Http404
    page = _express_page(request, cart)
    error = ""
    if request.method == "POST" and not page.problem:
        checkout_request = _checkout_request(request, page)  # the wallet, resolved once
        try:
            order, created = services.order_place(request=checkout_request)
        except ShopError as problem:
            error = str(problem)
            page = _express_page(request, cart)
        else:
            return _after_placing(request, order, created, checkout_request.payment)
    return render(
        request,
        "orders/express.html",
        {"page": page, "priced": page.quote.priced, "error": error or page.problem},
        status=400 if error else 200,
    )


def _checkout_request(request: HttpRequest, page: ExpressPage) -> services.CheckoutRequest:
    priced = page.quote.priced
    user = request.user

    def amount(name: str) -> Decimal:
        try:
            return Decimal(request.POST.get(name, ""))
        except ArithmeticError:
            return Decimal("-1")

    return services.CheckoutRequest(
        token=request.POST.get("token", ""),
        cart_id=page.cart.pk,
        items_total=amount("items_total"),
        grand_total=amount("grand_total"),
        email=user.email,
        phone=user.phone or page.billing.phone,
        language=request.LANGUAGE_CODE,
        user=user,
        billing_address=page.billing,
        shipping_address=page.shipping if priced.needs_shipping else None,
        shipping_method_id=priced.shipping.method.pk if priced.shipping else None,
        payment_method=PaymentMethod.WALLET,
        # The one button says that pressing it accepts the texts shown above it.
        accepted_terms=True,
        accepted_digital_waiver=priced.has_digital,
        ip_address=client_ip(request),
        source_ref=source_ref_from_session(request.session),
    )


def _after_placing(
    request: HttpRequest, order, created: bool, method: CheckoutPayment | None
) -> HttpResponse:
    remember_just_placed(request, order.number)
    payment = (
        services.checkout_payment_start(order=order, payment=method).payment if created else None
    )
    payment = payment or order.payments.order_by("-pk").first()
    if payment is not None and payment.status in ACCEPTED:
        messages.success(request, _("Thank you: your payment has been received."))
        return redirect("orders:confirmation", number=order.number)
    if payment is not None and payment.status == PaymentStatus.FAILED:
        messages.error(request, payment_problem(payment=payment))
    return redirect("orders:pay", number=order.number)
