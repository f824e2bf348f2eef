"""The fulfilment side of a batch of plans, written in bulk: parcels with their lines and carrier
events, and returns with their lines (a return refunded names its refund)."""

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings

from orders.models import Carrier, Return, ReturnLine, Shipment, ShipmentEvent, ShipmentLine
from orders.states import Restock, ReturnReason, ReturnStatus
from payments.models import Refund

from .plan import Plan


def shipments_write(
    plans: list[Plan],
    orders: list,
    lines_of: list[list],
    carriers: list[Carrier],
    count: Callable[[str, int], None],
) -> None:
    """One parcel per shipped order, carrying every unit, with the carrier's reports."""
    shipped = [
        (plan, order, lines)
        for plan, order, lines in zip(plans, orders, lines_of, strict=True)
        if plan.shipment is not None
    ]
    rows = [
        Shipment(
            order=order,
            carrier=carriers[plan.shipment.carrier % len(carriers)],
            tracking_number=plan.number,
            status=plan.shipment.status,
            shipped_at=plan.shipment.shipped_at,
            delivered_at=plan.shipment.delivered_at,
            last_event_at=plan.shipment.events[-1][1],
        )
        for plan, order, _lines in shipped
    ]
    Shipment.objects.bulk_create(rows)
    parcel_lines = [
        ShipmentLine(shipment=shipment, order_line=line, quantity=line.quantity)
        for shipment, (_plan, _order, lines) in zip(rows, shipped, strict=True)
        for line in lines
    ]
    ShipmentLine.objects.bulk_create(parcel_lines)
    events = [
        ShipmentEvent(
            shipment=shipment,
            external_id=f"seed-{n}",
            status=status,
            happened_at=at,
            description=description,
            received_at=at,
            applied=True,
        )
        for shipment, (plan, _order, _lines) in zip(rows, shipped, strict=True)
        for n, (status, at, description) in enumerate(plan.shipment.events)
    ]
    ShipmentEvent.objects.bulk_create(events)
    count("shipments", len(rows))
    count("shipment_lines", len(parcel_lines))
    count("shipment_events", len(events))


def returns_write(
    plans: list[Plan],
    orders: list,
    lines_of: list[list],
    refunds: dict[str, Refund],
    count: Callable[[str, int], None],
) -> None:
    returned = [
        (plan, order, lines)
        for plan, order, lines in zip(plans, orders, lines_of, strict=True)
        if plan.ret is not None
    ]
    rows = []
    for plan, order, _lines in returned:
        ret = plan.ret
        rows.append(
            Return(
                order=order,
                number=f"{plan.number}-1",
                kind=ret.kind,
                status=ret.status,
                reason_code=ret.reason_code,
                reason=ret.reason,
                staff_note=ret.staff_note,
                shipping_refund=ret.shipping_refund,
                amount=ret.amount,
                currency=settings.SHOP_CURRENCY,
                requested_at=ret.requested_at,
                decided_at=ret.decided_at,
                received_at=ret.received_at,
                refunded_at=ret.refunded_at,
                refund_due_by=(ret.decided_at or ret.requested_at) + timedelta(days=14),
                refund=refunds.get(plan.number) if ret.status == ReturnStatus.REFUNDED else None,
            )
        )
    Return.objects.bulk_create(rows)
    return_lines = []
    for row, (plan, _order, lines) in zip(rows, returned, strict=True):
        restock = ""
        if plan.ret.received_at is not None:
            damaged = plan.ret.reason_code == ReturnReason.DAMAGED
            restock = Restock.DAMAGED if damaged else Restock.SELLABLE
        return_lines += [
            ReturnLine(
                order_return=row,
                order_line=lines[index],
                quantity=quantity,
                amount=amount,
                restock=restock,
            )
            for index, quantity, amount in plan.ret.lines
        ]
    ReturnLine.objects.bulk_create(return_lines)
    count("returns", len(rows))
    count("return_lines", len(return_lines))
