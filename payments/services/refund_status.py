"""The one door that changes a refund's status, by the table in payments/states.py.

Its own module, below both: the ledger settles refunds through it and refunds.py builds on the
ledger, so neither imports the other in a circle.
"""

from ..models import Refund
from ..states import can_refund_transition


def refund_transition(*, refund: Refund, to: str, **fields: str) -> bool:
    """The one door that changes a refund's status, by the table in payments/states.py.

    The caller holds the refund's row lock; False (nothing changed) for a move the table refuses.
    """
    if refund.status == to or not can_refund_transition(refund.status, to):
        return False
    refund.status = to
    for name, value in fields.items():
        setattr(refund, name, value[:255] if name == "message" else value[:120])
    refund.save(update_fields=["status", *fields, "updated_at"])
    return True
