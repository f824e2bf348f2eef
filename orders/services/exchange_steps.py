"""What an exchange's replacement order does as its return moves (services/exchanges.py makes
both): released to the warehouse when the return is received, cancelled with its stock given
back when the return is rejected or cancelled, and the price difference settled at the refund.

Called by the return's own steps under the return's lock; lock order return → order, as the
return's steps take them.
"""

from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from shop.models import User
from shop.money import ZERO

from ..exceptions import OrderError
from ..models import Order, OrderLine, Return, ReturnLine
from ..states import COUNTS_AS_RETURNED, HOLDS_ALLOCATION, CancelReason, OrderStatus
from .lifecycle import order_event_record, order_flag, order_transition
from .promises import replacement_promise_set


class ExchangeError(OrderError):
    """An exchange that cannot be made or moved as asked (the message says why)."""


def exchange_release(*, order_return: Return, by: User | None = None) -> Order | None:
    """Let the exchange's replacement go to the warehouse (it may now be prepared and shipped):
    when its return is received, or at once for a trusted customer. Once; None if no exchange."""
    if order_return.replacement_id is None:
        return None
    with transaction.atomic():
        locked = Return.objects.select_for_update().get(pk=order_return.pk)
        replacement = Order.objects.get(pk=locked.replacement_id)
        if locked.replacement_released_at is not None:
            return replacement
        locked.replacement_released_at = timezone.now()
        locked.save(update_fields=["replacement_released_at"])
        order_return.replacement_released_at = locked.replacement_released_at
        if replacement.status != OrderStatus.CANCELLED:
            replacement_promise_set(order=replacement)
            order_event_record(
                order=replacement, kind="exchange_released", note=locked.number, by=by
            )
    return replacement


def exchange_drop(*, order_return: Return, by: User | None = None) -> None:
    """The return of an exchange was rejected or cancelled: its replacement is cancelled through
    the one door (stock released, a paid difference refunded); one already on its way is left
    to staff, the original order flagged with why."""
    if order_return.replacement_id is None:
        return
    replacement = Order.objects.get(pk=order_return.replacement_id)
    if replacement.status == OrderStatus.CANCELLED:
        return
    if replacement.status not in HOLDS_ALLOCATION:  # on its way or delivered already
        order_flag(
            order_id=order_return.order_id,
            note=_(
                "Return %(number)s was cancelled, but its exchange %(replacement)s has already "
                "shipped: ask for the items back or charge them."
            )
            % {"number": order_return.number, "replacement": replacement.number},
        )
        return
    order_transition(
        order=replacement,
        to=OrderStatus.CANCELLED,
        by=by,
        cancel_reason=CancelReason.STAFF,
        note=gettext_noop("The exchange's return was cancelled."),
        event_kind="exchange_cancelled",
    )


def exchange_refund_settle(
    *, order_return: Return, share: Callable[..., Decimal], by: User | None = None
) -> Return:
    """Before an exchange's refund (under the return's lock): refused while the replacement
    waits for its difference to be paid; a replacement cancelled (unpaid, expired) turns the
    exchange into a plain withdrawal, refunding what the items cost (`share`: line_share)."""
    if order_return.replacement_id is None:
        return order_return
    replacement = Order.objects.get(pk=order_return.replacement_id)
    if replacement.status == OrderStatus.PENDING_PAYMENT:
        raise ExchangeError(
            _(
                "Its exchange %(number)s still waits for the customer to pay the difference: "
                "refund once it is paid or has expired."
            )
            % {"number": replacement.number}
        )
    if replacement.status != OrderStatus.CANCELLED:
        return order_return
    lines = list(order_return.lines.select_related("order_line"))
    amount = ZERO
    for line in lines:
        before = _units_before(order_return, line.order_line)
        line.amount = share(line.order_line, before=before, quantity=line.quantity)
        line.save(update_fields=["amount"])
        amount += line.amount
    if amount != order_return.amount:
        order_return.amount = amount
        order_return.save(update_fields=["amount"])
        order_event_record(
            order=order_return.order,
            kind="exchange_refunded_in_full",
            note=order_return.number,
            by=by,
        )
    return order_return


def _units_before(order_return: Return, order_line: OrderLine) -> int:
    """Units of the line that came back in the order's earlier returns."""
    earlier = ReturnLine.objects.filter(
        order_line=order_line,
        order_return__status__in=list(COUNTS_AS_RETURNED),
        order_return__pk__lt=order_return.pk,
    ).values_list("quantity", flat=True)
    return sum(earlier)
