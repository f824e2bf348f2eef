"""Complaint desk tables, one module per subject."""

from .tickets import Ticket, TicketEvent, TicketLine, TicketMessage  # noqa: F401
from .satisfaction import SatisfactionSurvey  # noqa: F401
