"""Replacement orders: items sent again (a complaint's replacement, a returns-portal exchange).

A replacement is an order of its own, for the same customer, delivery and billing details as
the order it replaces. Its lines are the order's own variants, or (an exchange) another variant
of the same product, each at a unit price: zero (nothing owed) or the price difference the
customer pays. Owing nothing, it is "paid" at once and confirmed through the one door
(`order_transition`), exactly as a placement with nothing to pay is; owing a difference, it
waits for the customer's card payment from the pay link (EXCHANGE_PAYMENT_TIMEOUT_HOURS) and is
confirmed when it arrives, like any order. Its stock is allocated under the variants' locks like
a placement's; it then goes through preparing, packing and shipping like any order. The
caller's `key` is stored as the order's checkout token (unique), so the same key — a double
click, a retry, two workers at once — makes one order.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from catalog.exceptions import OutOfStock
from catalog.models import Variant
from catalog.services import stock_allocate
from payments.services import payment_create
from payments.states import PaymentMethod, PaymentStatus
from shop.models import User
from shop.money import ZERO, to_money, vat_included_in

from ..exceptions import OrderError
from ..legal import variant_label
from ..models import Order, OrderLine
from ..states import OrderSource, OrderStatus
from .lifecycle import order_event_record, order_transition
from .numbering import order_save_with_number
from .promises import replacement_promise_set

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


@dataclass(frozen=True)
class ReplacementLine:
    """Units sent for one line of the order: its own variant, or (an exchange) `variant_id`, a
    variant of the same product, each unit owing `unit_price` (VAT included; zero: nothing)."""

    order_line_id: int
    quantity: int
    variant_id: int | None = None
    unit_price: Decimal = ZERO


def replacement_order_create(
    *,
    order: Order,
    lines: dict[int, int] | list[ReplacementLine],
    by: User | None = None,
    key: str,
    source: str = OrderSource.REPLACEMENT,
) -> Order:
    """An order sending `lines` of `order` again: {order line id: quantity} at no charge, or
    ReplacementLines (another variant of the same product, a price difference to pay).

    Refused (ReplacementRefused, nothing written) for items of another order, more than was
    bought, digital items, a variant of another product, an order not yet paid or cancelled,
    or stock that is not there. The same `key` returns the order made the first time.
    """
    if not (key or "").strip():
        raise ReplacementRefused(_("A replacement needs a key."))
    token = replacement_token(key)
    existing = Order.objects.filter(checkout_token=token).first()
    if existing is not None:
        return existing
    if isinstance(lines, dict):
        lines = [ReplacementLine(order_line_id=int(pk), quantity=int(q)) for pk, q in lines.items()]
    wanted = [line for line in lines if line.quantity > 0]
    if not wanted:
        raise ReplacementRefused(_("Choose at least one item and how many of it to send again."))
    try:
        return _create(order=order, wanted=wanted, by=by, token=token, source=source)
    except IntegrityError:
        # The same key at the same moment: the other request made it (and this one, nothing).
        existing = Order.objects.filter(checkout_token=token).first()
        if existing is None:
            raise
        return existing


def _checked(original: Order, wanted: list[ReplacementLine]) -> tuple[dict, dict]:
    """The order lines and the variants to send, or ReplacementRefused."""
    ids = {item.order_line_id for item in wanted}
    bought = {line.pk: line for line in original.lines.filter(pk__in=ids).select_related("variant")}
    if ids - set(bought):
        raise ReplacementRefused(_("Choose items of this order."))
    asked: dict[int, int] = {}
    for item in wanted:
        asked[item.order_line_id] = asked.get(item.order_line_id, 0) + item.quantity
        if item.unit_price < 0:
            raise ReplacementRefused(_("A replacement never pays the customer: refund instead."))
    for pk, quantity in asked.items():
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
    variant_ids = {item.variant_id or bought[item.order_line_id].variant_id for item in wanted}
    variants = Variant.objects.select_related("product").in_bulk(variant_ids)
    for item in wanted:
        line = bought[item.order_line_id]
        variant = variants.get(item.variant_id or line.variant_id)
        if variant is None or variant.product_id != line.product_id:
            raise ReplacementRefused(
                _("Only another size or colour of “%(name)s” can be sent instead.")
                % {"name": line.product_name}
            )
        if variant.product.is_digital:
            raise ReplacementRefused(
                _("“%(name)s” is a digital product: send its download link again instead.")
                % {"name": line.product_name}
            )
    return bought, variants


def _create(
    *, order: Order, wanted: list[ReplacementLine], by: User | None, token: str, source: str
) -> Order:
    with transaction.atomic():
        original = Order.objects.get(pk=order.pk)
        if original.status not in REPLACEABLE:
            raise ReplacementRefused(
                _("An order that is “%(status)s” is not replaced.")
                % {"status": OrderStatus(original.status).label}
            )
        bought, variants = _checked(original, wanted)
        if not original.shipping_address:
            raise ReplacementRefused(_("This order has no delivery address to send to."))

        def variant_of(item: ReplacementLine) -> Variant:
            return variants[item.variant_id or bought[item.order_line_id].variant_id]

        try:
            stock_allocate(lines=[(variant_of(item).pk, item.quantity) for item in wanted])
        except OutOfStock as error:
            item = next(item for item in wanted if variant_of(item).pk == error.variant_id)
            line = bought[item.order_line_id]
            name = line.product_name
            if error.variant_id != line.variant_id:
                name = f"{name} ({variant_label(variants[error.variant_id])})"
            raise ReplacementRefused(
                _("“%(name)s” is out of stock (%(count)s left): no replacement was made.")
                % {"name": name, "count": error.available}
            ) from None
        priced = []
        for item in wanted:
            line, variant = bought[item.order_line_id], variant_of(item)
            total = to_money(item.unit_price * item.quantity)
            priced.append((item, line, variant, total, vat_included_in(total, line.vat_rate)))
        total = sum((row[3] for row in priced), ZERO)
        vat = sum((row[4] for row in priced), ZERO)
        breakdown: dict[str, Decimal] = {}
        for _item, line, _variant, _total, line_vat in priced:
            if line_vat:
                breakdown[str(line.vat_rate)] = breakdown.get(str(line.vat_rate), ZERO) + line_vat
        now = timezone.now()
        owes = total > 0
        replacement = order_save_with_number(
            Order(
                user=original.user,
                email=original.email,
                phone=original.phone,
                language=original.language,
                # A difference is paid by card from the pay link; nothing owed is "paid", as a
                # placement with nothing to pay is.
                payment_method=PaymentMethod.CARD if owes else "",
                payment_status=PaymentStatus.UNPAID if owes else PaymentStatus.PAID,
                currency=original.currency,
                subtotal=total,
                discount=ZERO,
                shipping=ZERO,
                fees=ZERO,
                vat=vat,
                total=total,
                vat_breakdown={rate: str(amount) for rate, amount in breakdown.items()},
                shipping_address=original.shipping_address,
                billing_address=original.billing_address,
                shipping_method=original.shipping_method,
                shipping_method_names=original.shipping_method_names,
                source=source,
                agent=by,
                replacement_for=original,
                checkout_token=token,
                placed_at=now,
                expires_at=(
                    now + timedelta(hours=settings.EXCHANGE_PAYMENT_TIMEOUT_HOURS) if owes else None
                ),
            )
        )
        OrderLine.objects.bulk_create(
            OrderLine(
                order=replacement,
                product=line.product,
                variant=variant,
                product_name=line.product_name,
                variant_name=(
                    line.variant_name if variant.pk == line.variant_id else variant_label(variant)
                ),
                sku=variant.sku,
                is_digital=False,
                quantity=item.quantity,
                unit_price=item.unit_price,
                vat_rate=line.vat_rate,
                gross=line_total,
                discount=ZERO,
                total=line_total,
                vat=line_vat,
            )
            for item, line, variant, line_total, line_vat in priced
        )
        if source == OrderSource.REPLACEMENT:
            # Sent again at once: promised from now (an exchange's, when its return arrives).
            replacement_promise_set(order=replacement)
        if owes:
            # The attempt the pay link's card pays; the order waits for it (and may expire).
            payment_create(
                order=replacement,
                method=PaymentMethod.CARD,
                amount=total,
                currency=replacement.currency,
            )
        else:
            replacement = order_transition(
                order=replacement,
                to=OrderStatus.CONFIRMED,
                by=by,
                note=gettext_noop("Replacement: nothing to pay, confirmed at once."),
            )
        if source == OrderSource.REPLACEMENT:
            order_event_record(order=original, kind="replacement", note=replacement.number, by=by)
    return replacement
