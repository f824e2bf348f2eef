"""Staff steps and cancellations from the admin, and the customer's own cancellation: the road
steps go through the order's parcels (`fulfilment.shipment_track`), everything else through
`order_transition` (docs/fulfilment.md)."""

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from payments.states import REFUNDABLE, PaymentStatus
from shop.models import User

from ..carriers import TrackingUpdate
from ..exceptions import InvalidTransition
from ..models import Order, ShipmentStatus
from ..selectors.cancelling import order_customer_may_cancel
from ..selectors.exchanges import exchange_held_for
from ..states import REFUSED_ONLY, ROAD_RANK, CancelReason, OrderStatus, can_transition
from .fulfilment import just_after, shipment_track
from .lifecycle import order_transition

S = OrderStatus
# Staff report these on the order's open parcels (a manual carrier's steps).
PARCEL_STEPS = {
    S.IN_TRANSIT: ShipmentStatus.IN_TRANSIT,
    S.OUT_FOR_DELIVERY: ShipmentStatus.OUT_FOR_DELIVERY,
    S.DELIVERED: ShipmentStatus.DELIVERED,
}

# Cancelling an order holding these gives money back (a refund, or a card hold released).
MONEY_TAKEN = REFUNDABLE | {PaymentStatus.AUTHORIZED}
REFUND_PERMISSION = "payments.refund_payment"


class CancelNeedsRefund(InvalidTransition):
    """Staff without the refund permission tried to cancel an order that would refund."""


def order_step(*, order: Order, to: str, by: User | None = None) -> Order:
    """A staff step from the admin (buttons and bulk actions): the allowed next status.

    Road steps are reported on the order's open parcels, so the order keeps following them;
    shipping itself needs a carrier and tracking number (`order_ship`).
    """
    order = Order.objects.get(pk=order.pk)
    if order.status in (S.RETURN_REQUESTED, S.RETURNED) or to in (S.RETURN_REQUESTED, S.RETURNED):
        raise InvalidTransition(_("Returns move the order: handle them on the return's page."))
    if to == S.SHIPPED:
        raise InvalidTransition(_("Ship the order with a carrier and a tracking number."))
    if to == S.CANCELLED:
        return order_cancel_by_staff(order=order, by=by)
    if to in PARCEL_STEPS and order.status in ROAD_RANK:
        if order.status == to:
            return order
        if not can_transition(order.status, to):
            raise InvalidTransition(
                _("An order that is “%(current)s” cannot become “%(target)s”.")
                % {"current": S(order.status).label, "target": S(to).label}
            )
        now = timezone.now()
        open_parcels = order.shipments.exclude(
            status__in=(ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED)
        )
        for shipment in open_parcels:
            shipment_track(
                shipment=shipment,
                update=TrackingUpdate(
                    tracking_number=shipment.tracking_number,
                    event_id=f"staff-{uuid.uuid4().hex}",
                    status=PARCEL_STEPS[to],
                    happened_at=max(now, just_after(shipment.last_event_at)),
                    # Stored in English, shown in the reader's language (see ShipmentEvent).
                    description=gettext_noop("Reported by staff"),
                ),
                by=by,
            )
        return Order.objects.get(pk=order.pk)
    return order_transition(order=order, to=to, by=by)


def order_cancel_by_staff(
    *,
    order: Order,
    by: User | None = None,
    reason: str = CancelReason.STAFF,
    note: str = "",
    refund_allowed: bool | None = None,
) -> Order:
    """Staff cancel an order before shipping; if that gives money back, only with the refund
    permission too (`by=None` is the shop itself: demo, tasks). Refused: nothing changes.

    `reason` is "staff" or "complaint" (the complaint desk's action). `refund_allowed` is the
    caller's own decision on giving the money back (the desk checks the agent's refund limit
    or a lead's approval); None asks for the refund permission.
    """
    if reason not in (CancelReason.STAFF, CancelReason.COMPLAINT):
        raise InvalidTransition(_("A cancellation needs a reason."))
    if refund_allowed is None:
        refund_allowed = by is None or by.has_perm(REFUND_PERMISSION)
    with transaction.atomic():
        # Under the order's lock: a payment arriving meanwhile mirrors on the order after us.
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status != S.CANCELLED and not refund_allowed:
            taken = locked.payments.filter(status__in=MONEY_TAKEN).order_by("pk").first()
            if taken is not None:
                raise CancelNeedsRefund(
                    _(
                        "%(number)s was not cancelled: its payment is “%(status)s”, so "
                        "cancelling would give the money back, and you may not refund payments."
                    )
                    % {"number": locked.number, "status": taken.get_status_display()}
                )
        return order_transition(
            order=locked, to=S.CANCELLED, by=by, cancel_reason=reason, note=note
        )


def order_next_steps(*, order: Order) -> list[str]:
    """The statuses staff may move this order to now (the admin shows only these buttons)."""
    from ..states import TRANSITIONS

    allowed = []
    if order.status in (S.RETURN_REQUESTED, S.RETURNED):
        return allowed  # the order follows its returns (docs/fulfilment.md)
    for status in TRANSITIONS.get(order.status, ()):
        if status in (S.RETURN_REQUESTED, S.RETURNED):
            continue  # returns come with their own screens
        if order.status == S.CONFIRMED and status == S.DELIVERED:
            continue  # digital-only: delivered when the download links are issued
        if order.status == S.OUT_FOR_DELIVERY and status == S.IN_TRANSIT:
            continue  # a failed attempt is the carrier's report
        if order.status in REFUSED_ONLY and status == S.CANCELLED:
            continue  # cancelled only when its parcels come back (record it on the parcel)
        if status == S.PREPARING and exchange_held_for(order=order):
            continue  # an exchange waiting for its return (services/exchange_steps.py)
        allowed.append(str(status))
    return sorted(allowed, key=lambda s: list(S.values).index(s))


def order_cancel_by_customer(*, order: Order, by: User | None = None) -> Order:
    """The customer cancels from the order page; a second click changes nothing.

    Paid or not: each payment is voided or refunded in full once this commits (card and wallet
    to the card, balance to the balance, tab off the tab, a clearing e-check voided). A payment
    arriving meanwhile finds the order cancelled and is refunded (`_refund_unwanted_payment`).
    """
    with transaction.atomic():
        # Checked under the order's lock: a payment arriving meanwhile waits, then is seen.
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status == S.CANCELLED:
            return locked
        if not order_customer_may_cancel(order=locked):
            raise InvalidTransition(
                _("This order can no longer be cancelled here. Please contact us.")
            )
        return order_transition(
            order=locked, to=S.CANCELLED, by=by, cancel_reason=CancelReason.CUSTOMER
        )
