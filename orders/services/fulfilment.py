"""Fulfilment: parcels and their tracking, and the order following its parcels (staff steps and
cancellations: `order_steps`).

The rule (docs/fulfilment.md): the order is shipped when its first parcel leaves; once every
unit has left it follows its least advanced parcel (a delivery problem counts as back on the
road) and is delivered when the last parcel arrives. Lock order: parcel → order → variants.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from catalog.models import StockMovement, Variant
from catalog.services import stock_adjust, stock_ship
from payments.states import SHIPPABLE, PaymentStatus
from shop.background import enqueue_on_commit
from shop.models import User

from ..carriers import TrackingUpdate, adapter_for
from ..exceptions import InvalidTransition, OrderError
from ..models import (
    Carrier,
    CarrierUpdate,
    Order,
    Shipment,
    ShipmentEvent,
    ShipmentLine,
    ShipmentStatus,
)
from ..states import (
    REFUSED_ONLY,
    ROAD_RANK,
    CancelReason,
    OrderStatus,
    can_shipment_transition,
    can_transition,
)
from .invoicing import invoice_issue
from .lifecycle import order_event_record, order_flag, order_transition

S = OrderStatus
# A parcel's status as a step on the order's road (a problem sends it back on the road).
_ROAD = {
    ShipmentStatus.SHIPPED: S.SHIPPED,
    ShipmentStatus.IN_TRANSIT: S.IN_TRANSIT,
    ShipmentStatus.EXCEPTION: S.IN_TRANSIT,
    ShipmentStatus.OUT_FOR_DELIVERY: S.OUT_FOR_DELIVERY,
    ShipmentStatus.DELIVERED: S.DELIVERED,
}


class ShipmentError(OrderError):
    pass


def unshipped_quantities(*, order: Order) -> dict[int, int]:
    """Physical line id -> units not yet in a parcel."""
    shipped = dict(
        ShipmentLine.objects.filter(shipment__order=order)
        .values_list("order_line")
        .annotate(total=Sum("quantity"))
    )
    return {
        line.pk: line.quantity - shipped.get(line.pk, 0)
        for line in order.lines.filter(is_digital=False)
        if line.quantity - shipped.get(line.pk, 0) > 0
    }


def order_ship(
    *,
    order: Order,
    carrier: Carrier,
    tracking_number: str,
    by: User | None = None,
    quantities: dict[int, int] | None = None,
) -> Shipment:
    """Hand a parcel (by default every unit not yet shipped) to a carrier.

    Converts the parcel's allocated stock into a sale, issues the invoice and moves a packed
    order to shipped — each parcel only with a payment accepted for shipping
    (payments.states.SHIPPABLE).
    """
    tracking_number = tracking_number.strip()
    if not tracking_number:
        raise ShipmentError(_("Enter the tracking number."))
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if not (locked.status == S.PACKED or locked.status in ROAD_RANK):
            raise InvalidTransition(
                _("An order that is “%(current)s” cannot ship; pack it first.")
                % {"current": S(locked.status).label}
            )
        if locked.payment_status not in SHIPPABLE:
            # Every parcel passes the payment gate, not only the one that makes the order shipped.
            raise InvalidTransition(
                _("The order cannot ship while its payment is “%(status)s”.")
                % {"status": PaymentStatus(locked.payment_status).label}
            )
        remaining = unshipped_quantities(order=locked)
        wanted = quantities if quantities is not None else remaining
        wanted = {line_id: qty for line_id, qty in wanted.items() if qty}
        if not wanted:
            raise ShipmentError(_("Every item of this order has already shipped."))
        if any(qty < 0 or qty > remaining.get(line_id, 0) for line_id, qty in wanted.items()):
            raise ShipmentError(_("A parcel cannot hold more than is left to ship."))
        if Shipment.objects.filter(carrier=carrier, tracking_number=tracking_number).exists():
            raise ShipmentError(_("This tracking number is already used for another parcel."))
        now = timezone.now()
        shipment = Shipment.objects.create(
            order=locked,
            carrier=carrier,
            tracking_number=tracking_number,
            shipped_at=now,
            last_event_at=now,
            created_by=by,
        )
        lines = {line.pk: line for line in locked.lines.filter(pk__in=wanted)}
        ShipmentLine.objects.bulk_create(
            ShipmentLine(shipment=shipment, order_line=lines[line_id], quantity=qty)
            for line_id, qty in wanted.items()
        )
        ShipmentEvent.objects.create(
            shipment=shipment,
            external_id="shipped",
            status=ShipmentStatus.SHIPPED,
            happened_at=now,
            applied=True,
        )
        if locked.status == S.PACKED:
            order_transition(
                order=locked, to=S.SHIPPED, by=by, note=f"{carrier.name} {tracking_number}"
            )
        stock_ship(
            lines=[(lines[line_id].variant_id, qty) for line_id, qty in wanted.items()],
            by=by,
            note=locked.number,
        )
        invoice_issue(order=locked)
    return shipment


def shipment_transition(*, shipment: Shipment, to: str, at: datetime) -> Shipment | None:
    """The only way a parcel's status changes: checked against states.SHIPMENT_TRANSITIONS.

    Locks the parcel's row (`shipment_track` holds it already) and applies a report made `at`
    this time only if it is newer than the last one applied and the table allows the move
    (nothing leaves delivered); returns the parcel changed, or None when nothing changed.
    """
    with transaction.atomic(savepoint=False):
        locked = Shipment.objects.select_for_update().get(pk=shipment.pk)
        stale = locked.last_event_at is not None and at <= locked.last_event_at
        if stale or not can_shipment_transition(locked.status, to):
            return None
        locked.status = to
        locked.last_event_at = at
        fields = ["status", "last_event_at"]
        if to == ShipmentStatus.DELIVERED:
            locked.delivered_at = at
            fields.append("delivered_at")
        locked.save(update_fields=fields)
    return locked


def shipment_track(*, shipment: Shipment, update: TrackingUpdate, by: User | None = None) -> bool:
    """Record a parcel's report once; apply it only if newer than the last one applied.

    Returns True when it changed the parcel. The order then follows its parcels.
    """
    with transaction.atomic():
        locked = Shipment.objects.select_for_update().get(pk=shipment.pk)
        event, created = ShipmentEvent.objects.get_or_create(
            shipment=locked,
            external_id=update.event_id,
            defaults={
                "status": update.status,
                "happened_at": update.happened_at,
                "description": update.description,
            },
        )
        if not created:
            return False  # a duplicate: applied (or refused) the first time
        moved = shipment_transition(shipment=locked, to=update.status, at=update.happened_at)
        if moved is None:
            return False  # older than the last report applied, or the parcel arrived already
        event.applied = True
        event.save(update_fields=["applied"])
        problem = update.description if update.status == ShipmentStatus.EXCEPTION else None
        returned = moved.status == ShipmentStatus.RETURNED
        _order_follow_shipments(order=moved.order, by=by, problem=problem, returned=returned)
        if returned:
            _parcel_back_on_shelf(shipment=moved, by=by)
    return True


def _parcel_back_on_shelf(*, shipment: Shipment, by: User | None) -> None:
    """A parcel returned to sender: its units go back to sellable stock (it came back unopened),
    once — a parcel becomes "returned" only once (it is final)."""
    units: dict[int, int] = {}
    for variant_id, quantity in shipment.lines.filter(order_line__is_digital=False).values_list(
        "order_line__variant_id", "quantity"
    ):
        units[variant_id] = units.get(variant_id, 0) + quantity
    note = f"{shipment.order.number} {shipment.tracking_number}"[:255]
    for variant_id, quantity in sorted(units.items()):  # the house lock order: primary key
        stock_adjust(
            variant=Variant.objects.get(pk=variant_id),
            delta=quantity,
            reason=StockMovement.Reason.RETURN,
            by=by,
            note=note,
        )


def _order_follow_shipments(
    *, order: Order, by: User | None, problem: str | None, returned: bool = False
) -> None:
    order = Order.objects.select_for_update().get(pk=order.pk)
    every = list(order.shipments.values_list("status", flat=True))
    # A parcel returned to sender is off the road: the order follows the others.
    statuses = [status for status in every if status != ShipmentStatus.RETURNED]
    if not statuses:
        _order_refused(order=order, by=by)
        return
    if returned:
        # Some parcels arrived or are on their way, one came back: staff settle the money.
        order_flag(
            order_id=order.pk,
            note=_("A parcel came back to the shop (returned to sender); refund what it held."),
        )
    if unshipped_quantities(order=order):
        target = S.SHIPPED if order.status == S.PACKED else order.status
    else:
        target = min((_ROAD[status] for status in statuses), key=ROAD_RANK.__getitem__)
    # The event's kind says "delivery problem"; its note is the report itself, in English when
    # the shop wrote it (translated where it is shown) or as the carrier wrote it.
    note = problem or ""
    if target != order.status and can_transition(order.status, target):
        order_transition(
            order=order,
            to=target,
            by=by,
            note=note,
            event_kind="delivery_problem" if problem is not None else "",
        )
    elif problem is not None:
        order_event_record(order=order, kind="delivery_problem", note=note, by=by)


def _order_refused(*, order: Order, by: User | None) -> None:
    """Every parcel came back and the order was not delivered: cancelled as refused (its
    payment is voided or refunded in full once this commits, `order_transition`)."""
    if order.status not in REFUSED_ONLY:
        return  # already cancelled (a repeated report), or never on the road
    order_transition(
        order=order,
        to=S.CANCELLED,
        by=by,
        cancel_reason=CancelReason.REFUSED,
        note=gettext_noop("Every parcel was returned to sender."),
    )


def shipment_report_returned(*, shipment: Shipment, by: User | None = None) -> bool:
    """Staff record that a parcel was refused at the door or came back to the shop.

    One report per parcel (its event id is fixed), so a second click changes nothing; returns
    True when it changed the parcel. The order follows as for a carrier's report.
    """
    if shipment.status in (ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED):
        raise ShipmentError(_("This parcel has already arrived or come back."))
    return shipment_track(
        shipment=shipment,
        update=TrackingUpdate(
            tracking_number=shipment.tracking_number,
            event_id=f"staff-returned-{shipment.pk}",
            status=ShipmentStatus.RETURNED,
            happened_at=max(timezone.now(), just_after(shipment.last_event_at)),
            description=gettext_noop("Reported by staff"),
        ),
        by=by,
    )


def carrier_updates_receive(*, carrier: Carrier, updates: list[TrackingUpdate]) -> int:
    """Apply a carrier's reports (webhook or poll) to its parcels; returns how many applied.

    Reports about unknown tracking numbers are ignored (they may be another shop's).
    """
    applied = 0
    for update in updates:
        shipment = Shipment.objects.filter(
            carrier=carrier, tracking_number=update.tracking_number
        ).first()
        if shipment is not None and shipment_track(shipment=shipment, update=update):
            applied += 1
    return applied


def carrier_updates_store(*, carrier: Carrier, updates: list[TrackingUpdate]) -> int:
    """Keep a verified webhook's reports, each once per event id; apply them after commit.

    Returns how many were new. The request does no more than this: the task applies them.
    """
    new = 0
    with transaction.atomic():
        for update in updates:
            row, created = CarrierUpdate.objects.get_or_create(
                carrier=carrier,
                event_id=update.event_id,
                defaults={
                    "tracking_number": update.tracking_number,
                    "status": update.status,
                    "happened_at": update.happened_at,
                    "description": update.description,
                },
            )
            if created:
                new += 1
                enqueue_on_commit("orders.apply_carrier_update", row.pk)
    return new


def carrier_update_apply(*, update_id: int) -> bool:
    """Apply one stored report to its parcel; True if it changed the parcel. Safe to run twice:
    a report is looked at once, and an older one never overrides a newer one."""
    with transaction.atomic():
        row = CarrierUpdate.objects.select_for_update().filter(pk=update_id).first()
        if row is None or row.processed_at is not None:
            return False
        shipment = Shipment.objects.filter(
            carrier_id=row.carrier_id, tracking_number=row.tracking_number
        ).first()
        update = TrackingUpdate(
            tracking_number=row.tracking_number,
            event_id=row.event_id,
            status=row.status,
            happened_at=row.happened_at,
            description=row.description,
        )
        row.applied = shipment is not None and shipment_track(shipment=shipment, update=update)
        row.processed_at = timezone.now()
        row.save(update_fields=["applied", "processed_at"])
    return row.applied


def carrier_updates_left_over(*, now: datetime) -> list[int]:
    """Stored reports whose task never ran (the broker was down at commit), oldest first."""
    return list(
        CarrierUpdate.objects.filter(
            processed_at__isnull=True, received_at__lt=now - timedelta(minutes=1)
        )
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)[:500]
    )


def carriers_poll(*, now: datetime | None = None) -> int:
    """Ask every carrier without webhooks about its open parcels (the periodic poll task), and
    apply webhook reports left over; returns how many changed a parcel."""
    now = now or timezone.now()
    applied = sum(carrier_update_apply(update_id=pk) for pk in carrier_updates_left_over(now=now))
    for carrier in Carrier.objects.filter(is_active=True):
        adapter = adapter_for(carrier)
        if not adapter.polls:
            continue
        open_parcels = list(
            Shipment.objects.filter(carrier=carrier)
            .exclude(status__in=(ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED))
            .prefetch_related("events")
            .order_by("pk")
        )
        updates = adapter.poll(shipments=open_parcels, now=now)
        applied += carrier_updates_receive(carrier=carrier, updates=updates)
    return applied


def just_after(moment: datetime | None) -> datetime:
    return moment + timedelta(microseconds=1) if moment else timezone.now()
