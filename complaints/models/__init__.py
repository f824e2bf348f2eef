"""Complaint desk tables, one module per subject."""

from .reports import TicketReport  # noqa: F401
from .satisfaction import SatisfactionSurvey  # noqa: F401
from .tickets import Ticket, TicketEvent, TicketLine, TicketMessage  # noqa: F401
