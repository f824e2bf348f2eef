"""Phone orders: an agent fills a cart for a customer and the shop places it through
`order_place`, then sends the customer the link to pay it (or to see it, cash on delivery).

The cart is an agent cart (`CartStatus.AGENT`): the customer's own open cart stays as it is, and
lines are added and changed by the cart services, which check stock.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from shop.audit import audit_record
from shop.models import User

from .. import selectors
from ..exceptions import CartNotFound, CheckoutError
from ..messages import phone_order_link_schedule
from ..models import Address, Cart, CartStatus, Order
from ..states import OrderSource
from .checkout import CheckoutRequest, order_place
from .paying import checkout_payment_start, order_pays_in_browser


def phone_order_cart(*, email: str) -> Cart:
    """A new agent cart for the customer with this email: their account's, or a guest's."""
    customer = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    return Cart.objects.create(user=customer, status=CartStatus.AGENT)


@dataclass(frozen=True)
class PhoneOrderRequest:
    """What the agent collected on the call; `address` is validated and unsaved (delivery and
    billing). `token` is the cart's id and version the agent's page showed."""

    cart_id: int
    token: str
    agent: User
    email: str
    language: str
    address: Address
    payment_method: str
    accepted_terms: bool  # the customer accepted the pre-information form and the contract
    shipping_method_id: int | None = None
    accepted_digital_waiver: bool = False


def phone_order_place(*, request: PhoneOrderRequest) -> Order:
    """Place an agent cart as the customer's order (source "agent", with the agent) and send the
    customer its pay link. Placing the same page twice gives the first order, sent once."""
    cart = Cart.objects.filter(pk=request.cart_id, status__in=_AGENT_CART_STATES).first()
    if cart is None:
        raise CartNotFound(_("This phone order's cart could not be found; please start again."))
    if request.payment_method not in settings.PHONE_ORDER_PAYMENT_METHODS:
        raise CheckoutError(_("Choose a way to pay that the customer completes later."))
    customer = cart.user
    email = customer.email if customer is not None else request.email
    address = request.address
    quote = selectors.cart_quote(
        cart=cart,
        user=customer,
        email=email,
        country=address.country,
        province=address.province,
        shipping_method_id=request.shipping_method_id,
        payment_method=request.payment_method,
    )
    priced = quote.priced
    order, created = order_place(
        request=CheckoutRequest(
            token=request.token,
            cart_id=cart.pk,
            # Priced now, as the agent's page showed it; a change of the cart meanwhile is
            # refused by the token's version.
            items_total=priced.items_total,
            grand_total=priced.totals.total,
            email=email,
            phone=address.phone,
            language=request.language,
            billing_address=address,
            shipping_address=address if priced.needs_shipping else None,
            shipping_method_id=priced.shipping.method.pk if priced.shipping else None,
            payment_method=request.payment_method,
            accepted_terms=request.accepted_terms,
            accepted_digital_waiver=request.accepted_digital_waiver,
            user=customer,
            source=OrderSource.AGENT,
            agent=request.agent,
        )
    )
    if not created:
        return order
    checkout_payment_start(order=order)  # after commit: cash on delivery confirms the order
    order.refresh_from_db()
    with transaction.atomic():
        audit_record(
            actor=request.agent,
            action="phone_order_place",
            target=order,
            details={"total": order.total, "payment_method": order.payment_method},
        )
        phone_order_link_schedule(order=order, pays_now=order_pays_in_browser(order=order))
    return order


_AGENT_CART_STATES = (CartStatus.AGENT, CartStatus.ORDERED)  # ordered: a resubmit of the page
