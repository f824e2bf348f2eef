"""The fulfilment side of a batch of plans, written in bulk: parcels with their lines and carrier
events, and returns with their lines (a return refunded names its refund)."""

from datetime import timedelta

from django.conf import settings

from orders.models import Carrier, Return, ReturnLine, Shipment, ShipmentEvent, ShipmentLine
from orders.states import Restock, ReturnReason, ReturnStatus

from .plan import Plan
from .rows import Tables


def shipments_write(
    plan: Plan, order: int, lines: list[int], carriers: list[Carrier], t: Tables
) -> tuple[int, int, int]:
    """One parcel for a shipped order, carrying every unit, with the carrier's reports; the
    rows written (parcels, parcel lines, events)."""
    shipment = plan.shipment
    if shipment is None:
        return (0, 0, 0)
    parcel = t[Shipment].add(
        order_id=order,
        carrier_id=carriers[shipment.carrier % len(carriers)].pk,
        tracking_number=plan.number,
        status=shipment.status,
        shipped_at=shipment.shipped_at,
        delivered_at=shipment.delivered_at,
        last_event_at=shipment.events[-1][1],
    )
    for line, bought in zip(lines, plan.lines, strict=True):
        t[ShipmentLine].add(shipment_id=parcel, order_line_id=line, quantity=bought.quantity)
    for n, (status, at, description) in enumerate(shipment.events):
        t[ShipmentEvent].add(
            shipment_id=parcel,
            external_id=f"seed-{n}",
            status=status,
            happened_at=at,
            description=description,
            received_at=at,
            applied=True,
        )
    return (1, len(lines), len(shipment.events))


def returns_write(
    plan: Plan, order: int, lines: list[int], refunds: dict[str, int], t: Tables
) -> int:
    """The order's return with its lines (a refunded one names its refund); lines written."""
    ret = plan.ret
    if ret is None:
        return 0
    refunded = ret.status == ReturnStatus.REFUNDED
    row = t[Return].add(
        order_id=order,
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
        refund_id=refunds[plan.number] if refunded else None,
        request_key=None,
    )
    restock = ""
    if ret.received_at is not None:
        damaged = ret.reason_code == ReturnReason.DAMAGED
        restock = Restock.DAMAGED if damaged else Restock.SELLABLE
    for index, quantity, amount in ret.lines:
        t[ReturnLine].add(
            order_return_id=row,
            order_line_id=lines[index],
            quantity=quantity,
            amount=amount,
            restock=restock,
        )
    return len(ret.lines)
