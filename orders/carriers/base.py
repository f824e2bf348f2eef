"""The adapter interface and the manual carrier (staff report its steps; webhooks if set up)."""

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.dateparse import parse_datetime

from shop.webhooks import timestamp_fresh, webhook_secret_usable

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
    """The `X-Dukkan-Signature` a sender puts on a webhook body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_body(*, events: list[dict], sent_at: int | None = None) -> bytes:
    """A webhook body as a carrier (or a test) sends it: the events and when they were sent."""
    sent_at = int(time.time()) if sent_at is None else sent_at
    return json.dumps({"sent_at": sent_at, "events": events}).encode()


class CarrierAdapter:
    """The manual carrier: no polling; a signed webhook in the shop's JSON shape if it has one."""

    code = "manual"
    polls = False

    def verify(self, *, carrier: Carrier, body: bytes, signature: str) -> bool:
        """The body is signed with the carrier's secret and its `sent_at` is recent.

        The signed `sent_at` (Unix seconds) limits a captured request's replay to the tolerance,
        before or after now; an empty secret verifies nothing.
        """
        if not webhook_secret_usable(carrier.webhook_secret) or not signature:
            return False
        expected = sign_body(secret=carrier.webhook_secret, body=body)
        if not hmac.compare_digest(expected, signature):
            return False
        try:
            sent_at = json.loads(body).get("sent_at")
        except (ValueError, AttributeError):
            return False
        tolerance = settings.CARRIER_WEBHOOK_TOLERANCE_SECONDS
        return timestamp_fresh(sent_at, tolerance_seconds=tolerance)

    def parse(self, *, body: bytes) -> list[TrackingUpdate]:
        """`{"sent_at": <Unix seconds>, "events": [{"id", "tracking_number", "status", "time",
        "description"}]}`.

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
