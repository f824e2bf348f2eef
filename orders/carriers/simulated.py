"""A carrier that needs no outside service: each poll moves every open parcel one step on.

shipped → in transit → out for delivery → delivered. A tracking number containing "PROBLEM"
fails its first delivery attempt (an exception event), then goes out again and arrives; one
containing "REFUSE" is refused at the door and returned to sender instead of delivered.
"""

from datetime import datetime

from django.utils.translation import gettext_noop

from ..models import Shipment, ShipmentStatus
from .base import CarrierAdapter, TrackingUpdate

S = ShipmentStatus
_NEXT = {
    S.SHIPPED: S.IN_TRANSIT,
    S.IN_TRANSIT: S.OUT_FOR_DELIVERY,
    S.EXCEPTION: S.OUT_FOR_DELIVERY,
    S.OUT_FOR_DELIVERY: S.DELIVERED,
}


class SimulatedCarrier(CarrierAdapter):
    code = "simulated"
    polls = True

    def poll(self, *, shipments: list[Shipment], now: datetime) -> list[TrackingUpdate]:
        updates = []
        for shipment in shipments:
            status = _NEXT.get(shipment.status)
            if status is None:
                continue
            description = ""
            seen = [event.status for event in shipment.events.all()]
            if (
                shipment.status == S.OUT_FOR_DELIVERY
                and "PROBLEM" in shipment.tracking_number.upper()
                and S.EXCEPTION not in seen
            ):
                status = S.EXCEPTION
                description = gettext_noop("The recipient was not at the address.")
            elif (
                shipment.status == S.OUT_FOR_DELIVERY
                and "REFUSE" in shipment.tracking_number.upper()
            ):
                status = S.RETURNED
                description = gettext_noop("Refused at the door; returned to sender.")
            updates.append(
                TrackingUpdate(
                    tracking_number=shipment.tracking_number,
                    event_id=f"sim-{shipment.pk}-{len(seen)}",
                    status=status,
                    happened_at=now,
                    description=description,
                )
            )
        return updates
