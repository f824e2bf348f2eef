"""Demo data for orders: a carrier with two methods and rates across Turkey, coupons, the demo
customer's saved address, and her orders in every status (placed and moved by the real services;
the two return statuses through the return services, so each has its `Return`, and the returned
one its refund, back to her balance as cash on delivery is, and its credit note).

The shipping part is also a checkout essential (shop.demo), so `seed_catalog` seeds it too.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog.models import ProductKind, Variant
from payments.services import payment_collect_cash
from shop.demo import DEMO_ADMIN_EMAIL, DEMO_CUSTOMERS
from shop.models import User

from . import selectors
from .models import (
    Address,
    Carrier,
    Cart,
    Coupon,
    CouponKind,
    Order,
    ShippingMethod,
    ShippingRate,
    ShippingRegion,
)
from .services import (
    CheckoutRequest,
    address_save,
    cart_add,
    cart_for_user,
    checkout_payment_start,
    order_place,
    order_ship,
    order_step,
    order_transition,
    return_receive,
    return_refund,
    return_request,
)
from .states import CancelReason, OrderStatus, Restock

S = OrderStatus
_DELIVERED = [S.PREPARING, S.PACKED, S.SHIPPED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED]
# One demo order per status: the steps it is taken through after placement (cash on delivery
# confirms it at once, as at checkout; pending_payment stays unstarted). The two return steps
# are a withdrawal requested, then received and refunded, by the return services.
DEMO_ORDER_PATHS: dict[str, list[str]] = {
    S.PENDING_PAYMENT: [],
    S.CONFIRMED: [],
    S.PREPARING: _DELIVERED[:1],
    S.PACKED: _DELIVERED[:2],
    S.SHIPPED: _DELIVERED[:3],
    S.IN_TRANSIT: _DELIVERED[:4],
    S.OUT_FOR_DELIVERY: _DELIVERED[:5],
    S.DELIVERED: _DELIVERED,
    S.CANCELLED: [S.CANCELLED],
    S.RETURN_REQUESTED: [*_DELIVERED, S.RETURN_REQUESTED],
    S.RETURNED: [*_DELIVERED, S.RETURN_REQUESTED, S.RETURNED],
}


# Her order awaiting payment waits this long from each start (a shopper's waits
# ORDER_PAYMENT_TIMEOUT_MINUTES), so the expiry job of `make run` never cancels it; a start finds
# it by that long deadline and places it again when it is gone.
DEMO_PAYMENT_WAIT = timedelta(days=365)


@transaction.atomic
def seed_shipping_demo() -> str:
    """The demo carrier, its two shipping methods and their rates; idempotent."""
    carrier, _ = Carrier.objects.get_or_create(
        name="Dükkan Kargo",
        defaults={"tracking_url_template": "https://kargo.example/track/{number}"},
    )
    turkey, _ = ShippingRegion.objects.get_or_create(name="Türkiye", defaults={"countries": "TR"})
    istanbul, _ = ShippingRegion.objects.get_or_create(
        name="İstanbul", defaults={"countries": "TR", "provinces": "İstanbul"}
    )
    methods = [
        ("standard", "Standart teslimat", "Standard delivery", Decimal("750.00"), 2, 4, 0),
        ("express", "Hızlı teslimat", "Express delivery", None, 1, 2, 1),
    ]
    for _code, name_tr, name_en, free_above, days_min, days_max, position in methods:
        method, created = ShippingMethod.objects.get_or_create(
            carrier=carrier,
            name_tr=name_tr,
            defaults={
                "name_en": name_en,
                "free_above": free_above,
                "days_min": days_min,
                "days_max": days_max,
                "position": position,
            },
        )
        if created:
            surcharge = Decimal("40.00") * position
            for region, base in ((turkey, Decimal("49.90")), (istanbul, Decimal("39.90"))):
                for max_weight, extra in (
                    (2000, Decimal("0")),
                    (10000, Decimal("30.00")),
                    (30000, Decimal("90.00")),
                ):
                    ShippingRate.objects.create(
                        method=method,
                        region=region,
                        max_weight_grams=max_weight,
                        price=base + extra + surcharge,
                    )
    return f"{ShippingMethod.objects.count()} shipping methods"


def seed_orders_demo() -> str:
    seed_shipping_demo()
    _seed_coupons()
    customer = seed_customer_demo()
    return (
        f"{ShippingMethod.objects.count()} shipping methods, {Coupon.objects.count()} coupons, "
        f"{customer}"
    )


@transaction.atomic
def _seed_coupons() -> None:
    coupons = [
        (
            "HOSGELDIN10",
            CouponKind.PERCENT,
            Decimal("10"),
            Decimal("0"),
            "10 % off the first order",
        ),
        ("50TL", CouponKind.FIXED, Decimal("50"), Decimal("300"), "50 TL off baskets of 300 TL"),
        ("KARGOBEDAVA", CouponKind.FREE_SHIPPING, Decimal("0"), Decimal("0"), "Free shipping"),
    ]
    for code, kind, value, min_basket, description in coupons:
        Coupon.objects.get_or_create(
            code=code,
            defaults={
                "kind": kind,
                "value": value,
                "min_basket": min_basket,
                "description": description,
            },
        )


def _demo_address(user: User) -> Address:
    return Address(
        user=user,
        label="Ev",
        full_name=user.get_full_name() or user.email,
        phone=user.phone or "+905321234567",
        country="TR",
        province="İstanbul",
        district="Kadıköy",
        neighbourhood="Moda",
        street="Caferağa Mah. Moda Cad. No: 12 D: 3",
        postal_code="34710",
    )


def seed_customer_demo() -> str:
    """The demo customer's saved address and one order in each status; skipped once she has any."""
    customer = User.objects.get(email__iexact=DEMO_CUSTOMERS[0][0])
    with transaction.atomic():
        if not Address.objects.filter(user=customer).exists():
            address_save(
                address=_demo_address(customer), default_shipping=True, default_billing=True
            )
    if Order.objects.filter(user=customer).exists():
        _keep_an_order_awaiting_payment(customer)
        return f"{Order.objects.filter(user=customer).count()} orders of {customer.email}"
    variants = Variant.objects.filter(
        product__kind=ProductKind.PHYSICAL, product__status="active", on_hand__gte=5
    ).order_by("pk")[: len(DEMO_ORDER_PATHS)]
    for variant, (status, path) in zip(variants, DEMO_ORDER_PATHS.items(), strict=False):
        order = _place(customer, variant, start_payment=status != S.PENDING_PAYMENT)
        if status == S.PENDING_PAYMENT:
            _wait_long_for_payment(order)
        for step in path:
            if step == S.SHIPPED:  # a parcel with the demo carrier: the order follows it
                carrier = Carrier.objects.order_by("pk").first()
                order_ship(order=order, carrier=carrier, tracking_number=f"DEMO{order.pk:07d}")
                order = Order.objects.get(pk=order.pk)
            elif step in (S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED):
                order = order_step(order=order, to=step)
            elif step == S.RETURN_REQUESTED:
                order = _request_return(order, customer)
            elif step == S.RETURNED:
                order = _receive_and_refund_return(order)
            else:
                order = order_transition(
                    order=order,
                    to=step,
                    note="demo",
                    cancel_reason=CancelReason.CUSTOMER if step == S.CANCELLED else "",
                )
    return f"{Order.objects.filter(user=customer).count()} orders of {customer.email}"


def _keep_an_order_awaiting_payment(customer: User) -> None:
    """Her order awaiting payment, kept waiting another DEMO_PAYMENT_WAIT from this start; placed
    again when it is gone (expired on a database seeded before it waited long, or paid or
    cancelled in the demo). Her own checkouts left unpaid expire as any shopper's do."""
    shoppers_wait = timedelta(minutes=settings.ORDER_PAYMENT_TIMEOUT_MINUTES)
    order = (
        Order.objects.filter(
            user=customer,
            status=S.PENDING_PAYMENT,
            expires_at__gt=timezone.now() + shoppers_wait,  # longer than a shopper's: the demo's
        )
        .order_by("-expires_at")
        .first()
    )
    if order is None:
        variant = (
            Variant.objects.filter(
                product__kind=ProductKind.PHYSICAL, product__status="active", on_hand__gte=5
            )
            .order_by("pk")
            .first()
        )
        if variant is None:
            return
        order = _place(customer, variant, start_payment=False)
    _wait_long_for_payment(order)


def _wait_long_for_payment(order: Order) -> None:
    """The demo's own deadline (the demo's one write past the services: it is not a status)."""
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() + DEMO_PAYMENT_WAIT)


def _request_return(order: Order, customer: User) -> Order:
    """The courier took the cash at the door; she withdraws the whole order (a return code)
    and chooses store credit for the cash (the default would be a bank transfer)."""
    payment = order.payments.order_by("-pk").first()
    payment_collect_cash(payment=payment, amount=payment.amount, by=_demo_staff())
    return_request(
        order=order,
        quantities={line.pk: line.quantity for line in order.lines.all()},
        by=customer,
        refund_to="store_credit",
    )
    return Order.objects.get(pk=order.pk)


def _receive_and_refund_return(order: Order) -> Order:
    """Staff receive the parcel (sellable again) and refund it: her balance, a credit note."""
    staff = _demo_staff()
    order_return = order.returns.get()
    order_return = return_receive(
        order_return=order_return,
        restock={line.pk: Restock.SELLABLE for line in order_return.lines.all()},
        by=staff,
    )
    return_refund(order_return=order_return, by=staff)
    return Order.objects.get(pk=order.pk)


def _demo_staff() -> User | None:
    return User.objects.filter(email__iexact=DEMO_ADMIN_EMAIL).first()


def _place(customer: User, variant: Variant, *, start_payment: bool) -> Order:
    cart = cart_for_user(user=customer)
    cart_add(cart=cart, variant_id=variant.pk, quantity=1)
    order = demo_place(customer, cart, payment_method="cod", start_payment=start_payment)
    return Order.objects.get(pk=order.pk)


def demo_place(
    customer: User,
    cart: Cart,
    *,
    payment_method: str,
    language: str | None = None,
    start_payment: bool = True,
) -> Order:
    """Place the customer's cart as the checkout page does: the demo address for billing and,
    when something ships, delivery with the first method offered; terms (and the digital
    waiver, when there is digital content) accepted. Used by the demo seeders and the bench."""
    cart.refresh_from_db()
    address = _demo_address(customer)
    quote = selectors.cart_quote(
        cart=cart,
        user=customer,
        email=customer.email,
        country=address.country,
        province=address.province,
        payment_method=payment_method,
    )
    shipping = quote.priced.shipping
    order, _created = order_place(
        request=CheckoutRequest(
            token=cart.token,
            cart_id=cart.pk,
            items_total=quote.priced.items_total,
            grand_total=quote.priced.totals.total,
            email=customer.email,
            phone=address.phone,
            language=language or customer.language,
            billing_address=address,
            shipping_address=address if shipping else None,
            shipping_method_id=shipping.method.pk if shipping else None,
            payment_method=payment_method,
            accepted_terms=True,
            accepted_digital_waiver=quote.priced.has_digital,
            user=customer,
            ip_address="127.0.0.1",
        )
    )
    if start_payment:
        checkout_payment_start(order=order)
    return order
