"""The signature on a provider's inbound-email webhook, checked the way the shop's other callbacks
are (shop/webhooks.py, orders/carriers/base.py): HMAC-SHA256 with a shared secret, compared in
constant time, an empty secret (or in production the development one) verifying nothing.

The body is the raw message itself (message/rfc822), so the send time travels in a header and is
signed with it: `X-Dukkan-Signature: sha256=<hex of HMAC(secret, "<timestamp>." + body)>` and
`X-Dukkan-Timestamp: <Unix seconds>`. A capture can be replayed only within the tolerance (and a
replay of the same Message-ID makes no second ticket anyway).
"""

import hashlib
import hmac

from django.conf import settings

from shop.embedded import DEV_COMPLAINTS_INBOUND_WEBHOOK_SECRET
from shop.webhooks import timestamp_fresh, webhook_secret_usable

SIGNATURE_HEADER = "X-Dukkan-Signature"
TIMESTAMP_HEADER = "X-Dukkan-Timestamp"


def inbound_signature(*, secret: str, timestamp: int | str, body: bytes) -> str:
    """The `X-Dukkan-Signature` a sender (or a test, or a relay script) puts on a raw message."""
    signed = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def inbound_webhook_verified(*, body: bytes, signature: str, timestamp: str) -> bool:
    """True if the body was signed with COMPLAINTS_INBOUND_WEBHOOK_SECRET at a time within
    COMPLAINTS_INBOUND_WEBHOOK_TOLERANCE_SECONDS of now. False for an unset secret (production's
    default: the endpoint then refuses everything) and, in production, for the development one."""
    return signed_body_verified(
        secret=settings.COMPLAINTS_INBOUND_WEBHOOK_SECRET,
        development_value=DEV_COMPLAINTS_INBOUND_WEBHOOK_SECRET,
        body=body,
        signature=signature,
        timestamp=timestamp,
    )


def signed_body_verified(
    *, secret: str, development_value: str, body: bytes, signature: str, timestamp: str
) -> bool:
    """The desk's signed callbacks (inbound email, mentions): `signature` is `inbound_signature`
    of the body with `secret` at `timestamp`, within COMPLAINTS_INBOUND_WEBHOOK_TOLERANCE_SECONDS
    of now; an empty secret (or in production the development value) verifies nothing."""
    usable = webhook_secret_usable(secret, development_value=development_value)
    if not usable or not signature or not timestamp:
        return False
    expected = inbound_signature(secret=secret, timestamp=timestamp, body=body)
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
        return False
    tolerance = settings.COMPLAINTS_INBOUND_WEBHOOK_TOLERANCE_SECONDS
    return timestamp_fresh(timestamp, tolerance_seconds=tolerance)
