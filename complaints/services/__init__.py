"""Every write of the complaint desk, by subject. Import from here."""

from .tickets import (
    complaint_customer_message,
    complaint_note,
    complaint_open,
    complaint_received_send,
    complaint_reply,
    complaint_transition,
    customer_match,
)

__all__ = [
    "complaint_customer_message",
    "complaint_note",
    "complaint_open",
    "complaint_received_send",
    "complaint_reply",
    "complaint_transition",
    "customer_match",
]
from .crisis import (
    crisis_alert_acknowledge,
    crisis_alert_close,
    crisis_alert_raise,
    crisis_scan,
)
from .mentions import (
    mention_crisis_flag,
    mention_dismiss,
    mention_import,
    mention_ticket_make,
)

__all__ += [
    "crisis_alert_acknowledge",
    "crisis_alert_close",
    "crisis_alert_raise",
    "crisis_scan",
    "mention_crisis_flag",
    "mention_dismiss",
    "mention_import",
    "mention_ticket_make",
]
