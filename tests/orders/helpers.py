"""Shared builders for the cart and checkout tests: a delivery setup and a valid checkout."""

from dataclasses import replace
from decimal import Decimal

from django.test import Client

from crm.notifications.models import Message
from orders import selectors, services
from orders.models import (
    Address,
    Carrier,
    Cart,
    Coupon,
    Order,
    OrderEvent,
    ShippingMethod,
    ShippingRate,
    ShippingRegion,
)
from shop.models import User
from tests.factories import VariantFactory

SHIPPING_PRICE = Decimal("49.90")


def shipping_setup(*, price: Decimal = SHIPPING_PRICE, free_above: Decimal | None = None):
    """One carrier delivering anywhere in Turkey at one price up to 10 kg; returns the method."""
    carrier = Carrier.objects.create(name="Yurtiçi", tracking_url_template="https://t/{number}")
    method = ShippingMethod.objects.create(
        carrier=carrier, name_tr="Standart", name_en="Standard", free_above=free_above
    )
    turkey = ShippingRegion.objects.create(name="Türkiye", countries="TR")
    ShippingRate.objects.create(method=method, region=turkey, max_weight_grams=10000, price=price)
    return method


def turkish_address(**overrides: object) -> Address:
    """An unsaved, valid delivery and billing address in Istanbul."""
    values = {
        "full_name": "Ayşe Yılmaz",
        "phone": "+905321234567",
        "country": "TR",
        "province": "İstanbul",
        "district": "Kadıköy",
        "neighbourhood": "Moda",
        "street": "Caferağa Sok. 5",
        "postal_code": "34710",
    }
    return Address(**{**values, **overrides})


def cart_with(*items: tuple[object, int], user: User | None = None) -> Cart:
    """A cart (the user's, or a new guest cart) holding (variant, quantity) items."""
    cart = services.cart_for_user(user=user)
    for variant, quantity in items:
        services.cart_add(cart=cart, variant_id=variant.pk, quantity=quantity)
    cart.refresh_from_db()
    return cart


def make_checkout_request(cart: Cart, **overrides: object) -> services.CheckoutRequest:
    """A checkout request as the form would send it for the cart as it is now.

    The token and the items' total are those the checkout page would have shown; pass
    overrides to change any field. The customer writes in Turkish unless `language` says
    otherwise (tests asserting English messages pass language="en").
    """
    cart = Cart.objects.get(pk=cart.pk)
    user = overrides.get("user", cart.user)
    address = turkish_address()
    shipping = overrides.get("shipping_address", address)
    email = overrides.get("email", user.email if user else "misafir@example.com")
    payment_method = overrides.get("payment_method", "cod")
    quote = selectors.cart_quote(
        cart=cart,
        user=user,
        email=email,
        country=shipping.country if shipping else "",
        province=shipping.province if shipping else "",
        shipping_method_id=overrides.get("shipping_method_id"),
        payment_method=payment_method,
    )
    chosen = quote.priced.shipping
    request = services.CheckoutRequest(
        token=cart.token,
        cart_id=cart.pk,
        items_total=quote.priced.items_total,
        grand_total=quote.priced.totals.total,
        email=email,
        phone="+905321234567",
        language="tr",
        billing_address=address,
        payment_method=payment_method,
        accepted_terms=True,
        user=user,
        shipping_address=shipping,
        shipping_method_id=chosen.method.pk if chosen else None,
        accepted_digital_waiver=quote.priced.has_digital,
        ip_address="203.0.113.7",
    )
    return replace(request, **overrides)


def place(cart: Cart, **overrides: object):
    """Place the cart as the checkout form would; returns the order."""
    order, created = services.order_place(request=make_checkout_request(cart, **overrides))
    assert created
    return order


def stocked_variant(*, on_hand: int = 10, price: str = "100.00", **kwargs: object):
    return VariantFactory(on_hand=on_hand, price=Decimal(price), **kwargs)


def coupon(code: str = "INDIRIM10", **fields: object) -> Coupon:
    values = {"kind": "percent", "value": Decimal("10")}
    return Coupon.objects.create(code=code, **{**values, **fields})


def status_changes(order: Order) -> list[tuple[str, str]]:
    """The order's history as (from, to) pairs, oldest first."""
    return list(OrderEvent.objects.filter(order=order).values_list("from_status", "to_status"))


def told(order: Order, kind: str) -> set[tuple[str, str]]:
    """Who was sent the message of this kind about the order, as (channel, recipient)."""
    sent = Message.objects.filter(kind=kind, subject_id=str(order.pk))
    return {(m.channel, m.recipient) for m in sent}


def signed_in_client(user: User) -> Client:
    """A browser of its own, signed in as `user`."""
    client = Client()
    client.force_login(user)
    return client
