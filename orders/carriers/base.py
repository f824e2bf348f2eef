"""The adapter interface and the manual carrier (staff report its steps; webhooks if set up)."""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime

from django.utils.dateparse import parse_datetime

from ..models import Carrier, Shipment, ShipmentStatus

SIGNATURE_HEADER = "X-Dukkan-Signature"


@dataclass(frozen=True)
class TrackingUpdate:
    """One report about one parcel: its event id is what makes a duplicate harmless."""

    tracking_number: str
    event_id: str
    status: str
    happened_at: datetime
    description: str = ""


def sign_body(*, secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class CarrierAdapter:
    """The manual carrier: no polling; a signed webhook in the shop's JSON shape if it has one."""

    code = "manual"
    polls = False

    def verify(self, *, carrier: Carrier, body: bytes, signature: str) -> bool:
        if not carrier.webhook_secret or not signature:
            return False
        expected = sign_body(secret=carrier.webhook_secret, body=body)
        return hmac.compare_digest(expected, signature)

    def parse(self, *, body: bytes) -> list[TrackingUpdate]:
        """`{"events": [{"id", "tracking_number", "status", "time", "description"}]}`.

        Raises ValueError for anything else.
        """
        data = json.loads(body)
        updates = []
        for item in data["events"]:
            status = str(item["status"])
            happened_at = parse_datetime(str(item["time"]))
            if status not in ShipmentStatus.values or happened_at is None:
                raise ValueError("unknown status or time")
            updates.append(
                TrackingUpdate(
                    tracking_number=str(item["tracking_number"]),
                    event_id=str(item["id"])[:120],
                    status=status,
                    happened_at=happened_at,
                    description=str(item.get("description", ""))[:255],
                )
            )
        return updates

    def poll(self, *, shipments: list[Shipment], now: datetime) -> list[TrackingUpdate]:
        return []
