"""What every signed callback (Stripe, carriers, delivery reports) checks besides its signature."""

import time

from django.conf import settings


def webhook_secret_usable(secret: str, *, development_value: str = "") -> bool:
    """False for an empty secret, and in production for the public development value too.

    Anyone can compute an HMAC with an empty key or with a value printed in the source code.
    """
    if not secret:
        return False
    return not (settings.PRODUCTION and development_value and secret == development_value)


def timestamp_fresh(sent_at: object, *, tolerance_seconds: int) -> bool:
    """True if a signed Unix timestamp is within the tolerance of now, in the past or the future.

    A future timestamp would let a captured callback be replayed for that much longer.
    """
    if isinstance(sent_at, bool) or not isinstance(sent_at, int | str):
        return False
    try:
        seconds = int(sent_at)
    except ValueError:
        return False
    return abs(time.time() - seconds) <= tolerance_seconds
