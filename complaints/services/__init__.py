"""Every write of the complaint desk, by subject. Import from here."""

from .tickets import (
    complaint_note,
    complaint_open,
    complaint_reply,
    complaint_transition,
    customer_match,
)

__all__ = [
    "complaint_note",
    "complaint_open",
    "complaint_reply",
    "complaint_transition",
    "customer_match",
]
