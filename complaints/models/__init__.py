"""Complaint desk tables, one module per subject."""

from .tickets import Ticket, TicketEvent, TicketLine, TicketMessage  # noqa: F401
