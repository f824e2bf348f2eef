"""Exchanges in the returns portal: another size or colour of the same product instead.

An exchange is a withdrawal (a Return, within the withdrawal period, reason "wrong size" or
"wrong colour") whose lines name the variant wanted instead. In the same transaction the
replacement order (services/replacements.py, source "exchange") reserves those variants, priced
at the difference per unit: nothing when the new variant costs the same or less, the difference
paid from the pay link when it costs more (the order waits, EXCHANGE_PAYMENT_TIMEOUT_HOURS);
a lower price is refunded as the return's refund once the items are back. The replacement is
held until the return is received (services/exchange_steps.py), or released at once for a
trusted customer (a TrustedCustomer row, kept by staff). Lock order: order → variants → the new
order, as at checkout.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import ProductStatus, Variant
from shop.models import User
from shop.money import ZERO, to_money

from ..exchange_messages import exchange_pay_link_schedule
from ..models import Order, OrderLine, Return, TrustedCustomer
from ..selectors.returns import RETURNABLE_ORDER, order_delivered_at, withdrawal_ends_at
from ..states import EXCHANGE_REASONS, OrderSource, OrderStatus
from .exchange_steps import ExchangeError, exchange_release
from .lifecycle import order_event_record
from .replacements import ReplacementLine, replacement_order_create
from .returns import return_request


@dataclass(frozen=True)
class ExchangeItem:
    """Units of one order line sent back, and the variant of the same product wanted instead."""

    order_line_id: int
    quantity: int
    variant_id: int


def exchange_key(order_return: Return) -> str:
    """The replacement's key: one replacement per exchange, however often it is asked."""
    return f"exchange:{order_return.pk}"


def exchange_request(
    *,
    order: Order,
    items: list[ExchangeItem],
    reason_code: str,
    key: str,
    by: User | None = None,
    now: datetime | None = None,
    refund_to: str = "",
    account_holder: str = "",
    iban: str = "",
) -> Return:
    """The customer sends items back for another size or colour: the return (its code at once)
    and the replacement order reserving the new variants, made together or not at all.

    `key` is the form's one-time key: the same form sent twice returns the first exchange.
    Refused (ExchangeError, ReturnError or ReplacementRefused; nothing written) outside the
    withdrawal period, for an order not delivered, a digital item, the same variant, a variant
    of another product or one out of stock. `refund_to` and the account: as for return_request
    (where a lower price's difference goes, for cash paid at the door).
    """
    key = (key or "").strip()[:64]
    if not key:
        raise ExchangeError(_("This form has expired: please open the exchange page again."))
    if reason_code not in EXCHANGE_REASONS:
        raise ExchangeError(_("An exchange is for a wrong size or colour: choose one of them."))
    items = [item for item in items if item.quantity > 0]
    if not items:
        raise ExchangeError(_("Choose at least one item and the size or colour you want instead."))
    now = now or timezone.now()
    try:
        with transaction.atomic():
            locked = Order.objects.select_for_update().get(pk=order.pk)
            existing = Return.objects.filter(order=locked, request_key=key).first()
            if existing is not None:
                return existing  # the same form again (a double click, a second tab's resend)
            refund_account = {
                "refund_to": refund_to,
                "account_holder": account_holder,
                "iban": iban,
            }
            return _exchange(locked, items, reason_code, key, by, now, refund_account)
    except IntegrityError:
        existing = Return.objects.filter(order=order, request_key=key).first()
        if existing is None:  # a key already used for another order: never this form's
            raise ExchangeError(
                _("This form has expired: please open the exchange page again.")
            ) from None
        return existing


def _exchange(
    order: Order,
    items: list[ExchangeItem],
    reason_code: str,
    key: str,
    by: User | None,
    now: datetime,
    refund_account: dict[str, str],
) -> Return:
    lines, variants = _checked(order, items, now)
    order_return = return_request(
        order=order,
        quantities={item.order_line_id: item.quantity for item in items},
        reason_code=reason_code,
        by=by,
        now=now,
        **refund_account,
    )
    replacement_lines = []
    refund = ZERO
    by_line = {line.order_line_id: line for line in order_return.lines.all()}
    for item in items:
        old, new = lines[item.order_line_id], variants[item.variant_id]
        price = new.current_price(now)
        return_line = by_line[item.order_line_id]
        # A lower price comes back as the refund (never more than these units cost after a
        # coupon); a higher one is owed on the replacement. The same price: nothing either way.
        cheaper = max(to_money((old.unit_price - price) * item.quantity), ZERO)
        return_line.amount = min(cheaper, return_line.amount)
        return_line.exchange_variant = new
        return_line.exchange_price = price
        return_line.save(update_fields=["amount", "exchange_variant", "exchange_price"])
        refund += return_line.amount
        replacement_lines.append(
            ReplacementLine(
                order_line_id=old.pk,
                quantity=item.quantity,
                variant_id=new.pk,
                unit_price=max(price - old.unit_price, ZERO),
            )
        )
    replacement = replacement_order_create(
        order=order,
        lines=replacement_lines,
        by=by,
        key=exchange_key(order_return),
        source=OrderSource.EXCHANGE,
    )
    # The customer keeps an order, so the delivery fee is not given back as on a whole return.
    order_return.amount, order_return.shipping_refund = refund, ZERO
    order_return.replacement, order_return.request_key = replacement, key
    order_return.save(update_fields=["amount", "shipping_refund", "replacement", "request_key"])
    order_event_record(order=order, kind="exchange_requested", note=replacement.number, by=by)
    order_event_record(order=replacement, kind="exchange_for", note=order.number, by=by)
    if order.user_id is not None and TrustedCustomer.objects.filter(user_id=order.user_id).exists():
        exchange_release(order_return=order_return, by=by)
    if replacement.status == OrderStatus.PENDING_PAYMENT:
        exchange_pay_link_schedule(order=replacement, original=order)
    return order_return


def _checked(
    order: Order, items: list[ExchangeItem], now: datetime
) -> tuple[dict[int, OrderLine], dict[int, Variant]]:
    """The order lines and the variants wanted, or ExchangeError saying what is wrong."""
    if order.status not in RETURNABLE_ORDER:
        raise ExchangeError(_("Items can be exchanged once the order has been delivered."))
    ends = withdrawal_ends_at(order_delivered_at(order=order))
    if ends is None or now > ends:
        raise ExchangeError(
            _(
                "The %(days)s-day withdrawal period has ended: items can no longer be exchanged. "
                "If one is faulty, ask for a return instead."
            )
            % {"days": settings.WITHDRAWAL_DAYS}
        )
    if len({item.order_line_id for item in items}) != len(items):
        raise ExchangeError(_("Choose one new size or colour per item."))
    lines = order.lines.in_bulk([item.order_line_id for item in items])
    variants = Variant.objects.select_related("product").in_bulk(
        [item.variant_id for item in items]
    )
    for item in items:
        line = lines.get(item.order_line_id)
        if line is None:
            raise ExchangeError(_("Choose items of this order."))
        if line.is_digital:
            raise ExchangeError(
                _("“%(name)s” is a digital product: it cannot be exchanged.")
                % {"name": line.product_name}
            )
        variant = variants.get(item.variant_id)
        if variant is None or variant.product_id != line.product_id:
            raise ExchangeError(
                _("Only another size or colour of “%(name)s” can be chosen instead.")
                % {"name": line.product_name}
            )
        if variant.pk == line.variant_id:
            raise ExchangeError(
                _("Choose a size or colour of “%(name)s” other than the one you have.")
                % {"name": line.product_name}
            )
        if variant.product.status != ProductStatus.ACTIVE:
            raise ExchangeError(
                _("“%(name)s” is no longer sold: it cannot be exchanged, only returned.")
                % {"name": line.product_name}
            )
    return lines, variants
