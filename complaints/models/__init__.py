"""Complaint desk tables, one module per subject."""

from .crisis import (  # noqa: F401
    CrisisAlert,
    CrisisDimension,
    CrisisPlan,
    CrisisScenario,
    CrisisStatus,
)
from .mentions import Mention, MentionClass, MentionSource, TriageStatus  # noqa: F401
from .tickets import Ticket, TicketEvent, TicketLine, TicketMessage  # noqa: F401
