"""Complaint desk tables, one module per subject."""

from .attachments import TicketAttachment  # noqa: F401
from .tickets import Ticket, TicketEvent, TicketLine, TicketMessage  # noqa: F401
