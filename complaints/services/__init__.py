"""Every write of the complaint desk, by subject. Import from here."""

from .assignment import ticket_assign, ticket_auto_assign
from .clock import sla_target_hours, ticket_clock_update
from .lifecycle import complaint_customer_reopen, complaint_lifecycle_sweep
from .satisfaction import satisfaction_answer
from .sla import sla_watch
from .surveys import satisfaction_reminders_send, satisfaction_survey_open
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
    "complaint_customer_reopen",
    "complaint_lifecycle_sweep",
    "complaint_note",
    "complaint_open",
    "complaint_received_send",
    "complaint_reply",
    "complaint_transition",
    "customer_match",
    "satisfaction_answer",
    "satisfaction_reminders_send",
    "satisfaction_survey_open",
    "sla_target_hours",
    "sla_watch",
    "ticket_assign",
    "ticket_auto_assign",
    "ticket_clock_update",
    "ticket_reclassify",
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
