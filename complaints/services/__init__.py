"""Every write of the complaint desk, by subject. Import from here."""

from .assignment import ticket_assign, ticket_auto_assign
from .tickets import (
    complaint_customer_message,
    complaint_note,
    complaint_open,
    complaint_received_send,
    complaint_reply,
    complaint_transition,
    customer_match,
)
from .triage import ticket_reclassify

__all__ = [
    "complaint_customer_message",
    "complaint_note",
    "complaint_open",
    "complaint_received_send",
    "complaint_reply",
    "complaint_transition",
    "customer_match",
    "ticket_assign",
    "ticket_auto_assign",
    "ticket_reclassify",
]
