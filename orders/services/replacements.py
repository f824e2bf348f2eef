"""Replacement orders: items sent again free of charge (a complaint's exchange or replacement).

A replacement is an order of its own, for the same customer, delivery and billing details as
the order it replaces, with zero-priced lines: it owes nothing, so it is "paid" at once and
confirmed through the one door (`order_transition`), exactly as a placement with nothing to pay
is. Its stock is allocated under the variants' locks like a placement's; it then goes through
preparing, packing and shipping like any order. The caller's `key` is stored as the order's
checkout token (unique), so the same key — a double click, a retry, two workers at once —
makes one order.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from catalog.exceptions import OutOfStock
from catalog.services import stock_allocate
from payments.states import PaymentStatus
from shop.models import User
from shop.money import ZERO

from ..exceptions import OrderError
from ..models import Order, OrderLine
from ..states import OrderSource, OrderStatus
from .lifecycle import order_event_record, order_transition
from .numbering import order_save_with_number

# A replacement goes out for an order that was (or is being) sent, never for one unpaid or
# cancelled.
REPLACEABLE = frozenset(
    {
        OrderStatus.CONFIRMED,
        OrderStatus.PREPARING,
        OrderStatus.PACKED,
        OrderStatus.SHIPPED,
        OrderStatus.IN_TRANSIT,
        OrderStatus.OUT_FOR_DELIVERY,
        OrderStatus.DELIVERED,
        OrderStatus.RETURN_REQUESTED,
        OrderStatus.RETURNED,
    }
)


class ReplacementRefused(OrderError):
    """A replacement that cannot be made as asked (the message says why); nothing was written."""


def replacement_token(key: str) -> str:
    return f"replacement:{key.strip()}"[:80]


def replacement_order_create(
    *, order: Order, lines: dict[int, int], by: User | None = None, key: str
) -> Order:
    """A zero-total order sending `lines` ({order line id: quantity}) of `order` again.

    Refused (ReplacementRefused, nothing written) for items of another order, more than was
    bought, digital items, an order not yet paid or cancelled, or stock that is not there.
    The same `key` returns the order made the first time.
    """
    if not (key or "").strip():
        raise ReplacementRefused(_("A replacement needs a key."))
    token = replacement_token(key)
    existing = Order.objects.filter(checkout_token=token).first()
    if existing is not None:
        return existing
    wanted = {int(pk): int(quantity) for pk, quantity in lines.items() if int(quantity) > 0}
    if not wanted:
        raise ReplacementRefused(_("Choose at least one item and how many of it to send again."))
    try:
        return _create(order=order, wanted=wanted, by=by, token=token)
    except IntegrityError:
        # The same key at the same moment: the other request made it (and this one, nothing).
        existing = Order.objects.filter(checkout_token=token).first()
        if existing is None:
            raise
        return existing


def _create(*, order: Order, wanted: dict[int, int], by: User | None, token: str) -> Order:
    with transaction.atomic():
        original = Order.objects.get(pk=order.pk)
        if original.status not in REPLACEABLE:
            raise ReplacementRefused(
                _("An order that is “%(status)s” is not replaced.")
                % {"status": OrderStatus(original.status).label}
            )
        bought = {
            line.pk: line
            for line in original.lines.filter(pk__in=wanted).select_related("variant__product")
        }
        if set(wanted) - set(bought):
            raise ReplacementRefused(_("Choose items of this order."))
        for pk, quantity in wanted.items():
            line = bought[pk]
            if line.is_digital:
                raise ReplacementRefused(
                    _("“%(name)s” is a digital product: send its download link again instead.")
                    % {"name": line.product_name}
                )
            if quantity > line.quantity:
                raise ReplacementRefused(
                    _("At most %(count)s of “%(name)s” can be sent again.")
                    % {"count": line.quantity, "name": line.product_name}
                )
        if not original.shipping_address:
            raise ReplacementRefused(_("This order has no delivery address to send to."))
        try:
            stock_allocate(lines=[(bought[pk].variant_id, qty) for pk, qty in wanted.items()])
        except OutOfStock as error:
            name = next(
                line.product_name for line in bought.values() if line.variant_id == error.variant_id
            )
            raise ReplacementRefused(
                _("“%(name)s” is out of stock (%(count)s left): no replacement was made.")
                % {"name": name, "count": error.available}
            ) from None
        now = timezone.now()
        replacement = order_save_with_number(
            Order(
                user=original.user,
                email=original.email,
                phone=original.phone,
                language=original.language,
                payment_method="",
                # Nothing is owed: "paid", as a placement with nothing to pay is.
                payment_status=PaymentStatus.PAID,
                currency=original.currency,
                subtotal=ZERO,
                discount=ZERO,
                shipping=ZERO,
                fees=ZERO,
                vat=ZERO,
                total=ZERO,
                vat_breakdown={},
                shipping_address=original.shipping_address,
                billing_address=original.billing_address,
                shipping_method=original.shipping_method,
                shipping_method_names=original.shipping_method_names,
                source=OrderSource.REPLACEMENT,
                agent=by,
                replacement_for=original,
                checkout_token=token,
                placed_at=now,
                expires_at=None,
            )
        )
        OrderLine.objects.bulk_create(
            OrderLine(
                order=replacement,
                product=bought[pk].product,
                variant=bought[pk].variant,
                product_name=bought[pk].product_name,
                variant_name=bought[pk].variant_name,
                sku=bought[pk].sku,
                is_digital=False,
                quantity=quantity,
                unit_price=ZERO,
                vat_rate=bought[pk].vat_rate,
                gross=ZERO,
                discount=ZERO,
                total=ZERO,
                vat=ZERO,
            )
            for pk, quantity in wanted.items()
        )
        replacement = order_transition(
            order=replacement,
            to=OrderStatus.CONFIRMED,
            by=by,
            note=gettext_noop("Replacement: nothing to pay, confirmed at once."),
        )
        order_event_record(order=original, kind="replacement", note=replacement.number, by=by)
    return replacement
