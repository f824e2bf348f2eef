"""The reopen period: a resolved ticket may be reopened by its customer for
COMPLAINTS_REOPEN_DAYS after it was resolved; after that a sweep closes it."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import ngettext

from .models import Ticket
from .states import TicketStatus


def reopen_period() -> timedelta:
    return timedelta(days=settings.COMPLAINTS_REOPEN_DAYS)


def reopen_until(ticket: Ticket) -> datetime | None:
    """Until when the customer may reopen this resolved ticket; None unless resolved."""
    if ticket.status != TicketStatus.RESOLVED or ticket.resolved_at is None:
        return None
    return ticket.resolved_at + reopen_period()


def customer_may_reopen(ticket: Ticket, now: datetime | None = None) -> bool:
    until = reopen_until(ticket)
    return until is not None and (now or timezone.now()) < until


def reopen_expired_message() -> str:
    days = settings.COMPLAINTS_REOPEN_DAYS
    return ngettext(
        "A complaint can be reopened within %(days)d day of its resolution. "
        "Please open a new one if you need us.",
        "A complaint can be reopened within %(days)d days of its resolution. "
        "Please open a new one if you need us.",
        days,
    ) % {"days": days}
