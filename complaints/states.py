"""A ticket's lifecycle: statuses and the transitions `complaint_transition` allows.

new → in progress → waiting on customer → resolved → closed. A resolved ticket reopens (back
to in progress) — by staff, by the customer within the reopen period, or by an unhappy
satisfaction answer; it is closed after the reopen period by a sweep. Closed is final.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_ON_CUSTOMER = "waiting_on_customer", _("Waiting on the customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


S = TicketStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.IN_PROGRESS, S.WAITING_ON_CUSTOMER, S.RESOLVED}),
    S.IN_PROGRESS: frozenset({S.WAITING_ON_CUSTOMER, S.RESOLVED}),
    # The customer answers (or staff take it up again): the clock runs again.
    S.WAITING_ON_CUSTOMER: frozenset({S.IN_PROGRESS, S.RESOLVED}),
    S.RESOLVED: frozenset({S.IN_PROGRESS, S.CLOSED}),
    S.CLOSED: frozenset(),
}

# Still on someone's desk: counted in queues and by the SLA clock.
OPEN = frozenset({S.NEW, S.IN_PROGRESS, S.WAITING_ON_CUSTOMER})
# The SLA clock stands still while the shop waits for the customer.
CLOCK_PAUSED = frozenset({S.WAITING_ON_CUSTOMER})


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


class Channel(models.TextChoices):
    WEB = "web", _("Website form")
    PHONE = "phone", _("Phone / call centre")
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Live chat")
    SOCIAL = "social", _("Social media")
    COMPLAINT_SITE = "complaint_site", _("Complaint site")
    STORE = "store", _("In person")


class Category(models.TextChoices):
    """The seed's list (shared/seeds): what the complaint is about."""

    LATE_OR_MISSING = "late_or_missing", _("Late or missing delivery")
    WRONG_OR_DAMAGED = "wrong_or_damaged", _("Wrong or damaged product")
    PAYMENT = "payment", _("Payment problem")
    RETURN_EXCHANGE = "return_exchange", _("Return or exchange procedure")
    STOCK = "stock", _("Stock or oversold")
    UNREACHABLE = "unreachable", _("Could not reach the shop")
    INFORMATION = "information", _("Wrong or missing information")
    OTHER = "other", _("Other")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Outcome(models.TextChoices):
    """What the customer asks for."""

    REFUND = "refund", _("A refund")
    REPLACEMENT = "replacement", _("A replacement")
    REPAIR = "repair", _("A repair")
    CREDIT = "credit", _("Store credit")
    INFORMATION = "information", _("Information")
