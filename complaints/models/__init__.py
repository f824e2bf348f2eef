"""Complaint desk tables, one module per subject."""

from .actions import ResolutionAction, ResolutionActionLine  # noqa: F401
from .tickets import Ticket, TicketEvent, TicketLine, TicketMessage  # noqa: F401
