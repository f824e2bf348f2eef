"""Complaint desk tables, one module per subject."""

from .tickets import Ticket, TicketEvent, TicketLine, TicketMessage  # noqa: F401
from .mentions import Mention, MentionClass, MentionSource, TriageStatus  # noqa: F401, E402
from .crisis import (  # noqa: F401, E402
    CrisisAlert,
    CrisisDimension,
    CrisisPlan,
    CrisisScenario,
    CrisisStatus,
)
