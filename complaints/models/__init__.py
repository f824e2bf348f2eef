"""Complaint desk tables, one module per subject."""

from .sla import SlaAlert, SlaPolicy  # noqa: F401
from .tickets import Ticket, TicketEvent, TicketLine, TicketMessage  # noqa: F401
