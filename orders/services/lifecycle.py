"""The order's status: the one function that changes it, and what follows from a change."""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from catalog.services import stock_release
from payments.models import Payment
from payments.services.points import points_return_redemption
from payments.states import ACCEPTED, REFUNDABLE, SHIPPABLE, VOIDABLE, PaymentStatus
from shop.background import enqueue_on_commit
from shop.models import User
from shop.money import format_money

from ..exceptions import InvalidTransition
from ..messages import (
    order_message_schedule,
    payment_bounced_schedule,
    payment_received_schedule,
    payment_reminder_schedule,
    payment_returned_schedule,
)
from ..models import (
    Coupon,
    CouponRedemption,
    Order,
    OrderEvent,
    ShipmentLine,
    ShipmentStatus,
)
from ..selectors.exchanges import exchange_held_for
from ..signals import order_status_changed
from ..states import (
    FOLLOWS_SHIPMENTS,
    HOLDS_ALLOCATION,
    REFUSED_ONLY,
    CancelReason,
    OrderStatus,
    can_transition,
)


def order_transition(
    *,
    order: Order,
    to: str,
    by: User | None = None,
    note: str = "",
    cancel_reason: str = "",
    event_kind: str = "",
) -> Order:
    """The only way an order's status changes: checked against states.TRANSITIONS, logged.

    Locks the order row, so two staff members (or a task and a webhook) cannot both move it.
    Moving to the status the order already has is a no-op, which makes retries harmless.
    Cancelling gives back the order's stock and coupon use; the customer's message for the new
    status is queued in the same transaction and sent on commit.
    """
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status == to:
            return locked
        if not can_transition(locked.status, to):
            raise InvalidTransition(
                _("An order that is “%(current)s” cannot become “%(target)s”.")
                % {
                    "current": OrderStatus(locked.status).label,
                    "target": OrderStatus(to).label,
                }
            )
        if to == OrderStatus.CANCELLED and cancel_reason not in CancelReason.values:
            raise InvalidTransition(_("A cancellation needs a reason."))
        _check_fulfilment_path(locked, to)
        if to == OrderStatus.CANCELLED and locked.status in REFUSED_ONLY:
            _check_refused(locked, cancel_reason)
        previous = locked.status
        locked.status = to
        fields = ["status", "updated_at"]
        if to == OrderStatus.CANCELLED:
            locked.cancel_reason = cancel_reason
            fields.append("cancel_reason")
        if previous == OrderStatus.PENDING_PAYMENT:
            locked.expires_at = None
            fields.append("expires_at")
        locked.save(update_fields=fields)
        event = OrderEvent.objects.create(
            order=locked, from_status=previous, to_status=to, actor=by, note=note, kind=event_kind
        )
        if to == OrderStatus.CANCELLED and previous in HOLDS_ALLOCATION:
            # Coupon before stock: the same lock order as order_place, so the two never deadlock.
            _release_coupon(locked)
            _return_points(locked)
            _release_stock(locked)
        elif to == OrderStatus.CANCELLED and cancel_reason == CancelReason.REFUSED:
            # Nothing was handed over: the coupon and points come back as if never used, and
            # units still waiting to ship are released (the parcels' units are back on the shelf
            # already, `shipment_track`).
            _release_coupon(locked)
            _return_points(locked)
            _release_unshipped_stock(locked)
        if to == OrderStatus.CANCELLED:
            _void_open_payments_after_commit(locked)
        order_message_schedule(order=locked, status=to, event=event)
        order_status_changed.send(sender=Order, order=locked, previous=previous, by=by)
    return locked


def _check_fulfilment_path(order: Order, to: str) -> None:
    """The paths the status table alone cannot tell: parcels, payment gate, digital-only."""
    if order.status == OrderStatus.CONFIRMED and to == OrderStatus.DELIVERED:
        if order.lines.filter(is_digital=False).exists():
            raise InvalidTransition(
                _("Only an order of digital products is delivered without shipping.")
            )
        return
    if to == OrderStatus.PREPARING:
        # An exchange's replacement waits for its return (services/exchange_steps.py).
        held_for = exchange_held_for(order=order)
        if held_for:
            raise InvalidTransition(
                _("This exchange is sent once its return %(number)s has arrived.")
                % {"number": held_for}
            )
    if to in FOLLOWS_SHIPMENTS and not order.shipments.exists():
        raise InvalidTransition(
            _("Ship the order first: choose a carrier and enter the tracking number.")
        )
    if (
        order.status == OrderStatus.PACKED
        and to == OrderStatus.SHIPPED
        and order.payment_status not in SHIPPABLE
    ):
        raise InvalidTransition(
            _("The order cannot ship while its payment is “%(status)s”.")
            % {"status": PaymentStatus(order.payment_status).label}
        )


def _check_refused(order: Order, cancel_reason: str) -> None:
    """An order on the road is cancelled only as "refused", once every parcel came back."""
    parcels = list(order.shipments.values_list("status", flat=True))
    if (
        cancel_reason != CancelReason.REFUSED
        or not parcels
        or any(status != ShipmentStatus.RETURNED for status in parcels)
    ):
        raise InvalidTransition(
            _("A shipped order is cancelled only when its parcels come back to the shop.")
        )


def order_event_record(
    *, order: Order, kind: str, note: str = "", by: User | None = None
) -> OrderEvent:
    """A step in the order's history that changes no status (a delivery problem, downloads).

    Written under the order's lock like a transition; the customer's message for it is queued
    on commit.
    """
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        event = OrderEvent.objects.create(
            order=locked,
            from_status=locked.status,
            to_status=locked.status,
            actor=by,
            note=note,
            kind=kind,
        )
        order_message_schedule(order=locked, status=locked.status, event=event)
    return event


def _release_stock(order: Order) -> None:
    physical = order.lines.filter(is_digital=False)
    stock_release(lines=[(line.variant_id, line.quantity) for line in physical])


def _release_unshipped_stock(order: Order) -> None:
    """Give back the allocation of units that never left (a partly shipped order refused)."""
    shipped = dict(
        ShipmentLine.objects.filter(shipment__order=order)
        .values_list("order_line")
        .annotate(total=Sum("quantity"))
    )
    waiting: dict[int, int] = {}
    for line in order.lines.filter(is_digital=False):
        left = line.quantity - shipped.get(line.pk, 0)
        if left > 0:
            waiting[line.variant_id] = waiting.get(line.variant_id, 0) + left
    if waiting:
        stock_release(lines=sorted(waiting.items()))


def _return_points(order: Order) -> None:
    """A cancelled order's redeemed points go back to the customer (after the coupon, before
    the stock: the checkout's lock order)."""
    if order.points_redeemed and order.user_id is not None:
        points_return_redemption(
            user=order.user, order_id=order.pk, key=f"return:cancel-order-{order.pk}"
        )


def _release_coupon(order: Order) -> None:
    """A cancelled order's coupon use counts no more (the code may be used again)."""
    redemption = CouponRedemption.objects.filter(order=order).first()
    if redemption is None:
        return
    Coupon.objects.select_for_update().filter(pk=redemption.coupon_id).update(
        times_used=F("times_used") - 1
    )
    redemption.delete()


def _refund_unwanted_payment(order: Order, payment_id: int) -> Order:
    """Money arrived for a cancelled order or a replaced attempt: give it back, tell staff.

    Released stock is not taken again; the refund goes to the provider after commit.
    """
    order.needs_review = True
    order.review_note = (
        _("Payment %(payment)s arrived after the order no longer wanted it; refunded in full.")
        % {"payment": payment_id}
    )[:255]
    order.save(update_fields=["needs_review", "review_note", "updated_at"])
    enqueue_on_commit("payments.refund_payment_in_full", payment_id)
    return order


def _void_open_payments_after_commit(order: Order) -> None:
    """A cancelled order's open attempts are voided, and money it took is refunded, once the
    cancellation has committed.

    Never inside this transaction: a provider may be called, and the order's lock is held.
    """
    attempts = Payment.objects.filter(order=order).values_list("pk", "status")
    for payment_id, status in attempts:
        if status in VOIDABLE:
            enqueue_on_commit("payments.void_payment", payment_id)
        elif status in REFUNDABLE:
            enqueue_on_commit("payments.refund_payment_in_full", payment_id, "Order cancelled")


def order_set_payment_status(*, order_id: int, payment_id: int, status: str) -> Order:
    """Mirror the current attempt's status on the order; confirm it once its method accepted it.

    An order may have several attempts (a declined card, then another): only its newest one
    speaks for it. A failed attempt leaves the order awaiting payment, to be paid another way.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        current = order.payments.order_by("-pk").values_list("pk", flat=True).first()
        unwanted = current != payment_id or order.status == OrderStatus.CANCELLED
        if status == PaymentStatus.PAID and unwanted:
            return _refund_unwanted_payment(order, payment_id)
        if current != payment_id:
            return order
        if order.payment_status != status:
            order.payment_status = status
            order.save(update_fields=["payment_status", "updated_at"])
        if status in ACCEPTED and order.status == OrderStatus.PENDING_PAYMENT:
            # The confirmation message says the payment arrived when it did.
            order = order_transition(order=order, to=OrderStatus.CONFIRMED)
        elif status == PaymentStatus.PAID:
            payment_received_schedule(order=order, payment_id=payment_id)
        elif status == PaymentStatus.BOUNCED:
            # Held at the shipping gate: staff see it, the customer may pay another way.
            order.needs_review = True
            order.review_note = _("The e-check bounced; the order waits for another payment.")
            order.save(update_fields=["needs_review", "review_note", "updated_at"])
            payment_bounced_schedule(order=order, payment_id=payment_id)
        elif status == PaymentStatus.RETURNED:
            # The bank took a cleared e-check back: the money never came. Staff see it (unshipped
            # parcels wait at the gate); the customer is asked to pay another way.
            order.needs_review = True
            order.review_note = _(
                "The bank returned the e-check after it cleared; the order waits for another "
                "payment."
            )
            order.save(update_fields=["needs_review", "review_note", "updated_at"])
            payment_returned_schedule(order=order, payment_id=payment_id)
    return order


def order_flag(*, order_id: int, note: str) -> Order:
    """Put an order up for staff review with a note (a payment that did not add up)."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        order.needs_review = True
        order.review_note = note[:255]
        order.save(update_fields=["needs_review", "review_note", "updated_at"])
    return order


def order_payment_resolved(*, order_id: int, owed: Decimal, flag: str) -> Order:
    """Staff resolved the order's flagged payment: the flag it raised clears; money still owed
    (less taken than due) keeps the order flagged with the amount, for staff to ask for it."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if owed > 0:
            order.needs_review = True
            order.review_note = (
                _(
                    "Resolved short: %(owed)s is still owed. Ask the customer to "
                    "pay it (the order's pay link), or write it off."
                )
                % {"owed": format_money(owed, order.currency)}
            )[:255]
        elif order.needs_review and order.review_note == flag[:255]:
            order.needs_review, order.review_note = False, ""
        else:
            return order
        order.save(update_fields=["needs_review", "review_note", "updated_at"])
    return order


def order_payment_remind(*, order_id: int) -> bool:
    """Remind the customer to finish paying an order about to expire; True if it was due."""
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None or order.status != OrderStatus.PENDING_PAYMENT:
            return False
        payment_reminder_schedule(order=order)
    return True


def order_expire(*, order_id: int, now: datetime | None = None) -> bool:
    """Cancel an order still waiting for payment after its deadline; True if it expired now.

    Safe to run twice or concurrently: the order row is locked and only a still-pending,
    overdue order moves, so its stock is released exactly once.
    """
    now = now or timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if (
            order is None
            or order.status != OrderStatus.PENDING_PAYMENT
            or order.expires_at is None
            or order.expires_at > now
        ):
            return False
        order_transition(
            order=order,
            to=OrderStatus.CANCELLED,
            cancel_reason=CancelReason.EXPIRED,
            note=gettext_noop("Payment was not completed in time."),
        )
    return True
