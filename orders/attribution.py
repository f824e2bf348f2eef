"""Where a visitor came from, carried from a click to the order they then place.

A higher app (crm's campaigns) puts a short reference such as "campaign:12" on the visitor's
session when they follow one of its links; placement copies it to `Order.source_ref`. Orders
never learn what the reference means, so they import nothing above them.
"""

import re

from django.contrib.sessions.backends.base import SessionBase

SESSION_KEY = "orders.source_ref"
REF_PATTERN = re.compile(r"^[a-z_]{1,20}:[0-9]{1,18}$")


def source_ref_remember(session: SessionBase, ref: str) -> None:
    """Remember `ref` (the latest click wins) for the visitor's next order."""
    if not REF_PATTERN.match(ref):
        raise ValueError(f"not a source reference: {ref!r}")
    session[SESSION_KEY] = ref


def source_ref_from_session(session: SessionBase | None) -> str:
    """The reference the visitor's session carries, or ''."""
    ref = session.get(SESSION_KEY, "") if session is not None else ""
    return ref if isinstance(ref, str) and REF_PATTERN.match(ref) else ""
