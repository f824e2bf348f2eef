"""The ticket: one complaint from any channel, tied to the customer and the order, with its
conversation (public replies, the customer's messages, internal notes) and its history.

Status changes only through `complaints.services.complaint_transition` (states.py holds the
table), which writes a `TicketEvent` for each."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..states import Category, Channel, Outcome, Priority, TicketStatus


def new_ticket_token() -> str:
    """The ticket's public token (the guest's link, the reply address): unguessable, and
    lower-case hex so a mail system lower-casing the reply address keeps it intact."""
    return secrets.token_hex(16)


class Ticket(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    token = models.CharField(max_length=40, unique=True, default=new_ticket_token, editable=False)
    # Who complains: an account when one matches (by email or phone), else a guest's contact.
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("customer"),
    )
    contact_name = models.CharField(_("name"), max_length=150, blank=True)
    contact_email = models.EmailField(_("email"), blank=True)
    contact_phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=8, default="tr")
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("order"),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel)
    category = models.CharField(_("category"), max_length=20, choices=Category)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority, default=Priority.NORMAL
    )
    desired_outcome = models.CharField(
        _("desired outcome"), max_length=20, choices=Outcome, blank=True
    )
    subject = models.CharField(_("subject"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=TicketStatus, default=TicketStatus.NEW
    )
    team = models.ForeignKey(
        "crm.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("team"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The SLA clock's next deadline (first response, then resolution); None while paused or
    # done. Recomputed by the door at each transition.
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # When the retention job removed its personal details (the figures stay for reports).
    anonymised_at = models.DateTimeField(_("personal details removed"), null=True, blank=True)
    # When the current assignee got it (round robin picks the agent longest without one).
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at"]
        permissions = [
            ("work_ticket", _("Can work complaints (reply, note, change status)")),
            ("assign_ticket", _("Can reassign complaints and see breaches")),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="ticket_status_due_idx"),
            models.Index(fields=["team", "status", "due_at"], name="ticket_team_queue_idx"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_idx"),
            models.Index(fields=["customer", "-created_at"], name="ticket_customer_idx"),
            models.Index(fields=["order"], name="ticket_order_idx"),
            # The report and the dashboard count tickets opened in a date range.
            models.Index(fields=["created_at"], name="ticket_created_idx"),
            models.Index(fields=["contact_email"], name="ticket_contact_email_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def is_open(self) -> bool:
        from ..states import OPEN

        return self.status in OPEN


class TicketLine(models.Model):
    """An order line the complaint is about."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "orders.OrderLine", on_delete=models.CASCADE, related_name="+", verbose_name=_("item")
    )

    class Meta:
        verbose_name = _("complaint item")
        verbose_name_plural = _("complaint items")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "order_line"], name="ticket_line_unique")
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.order_line_id}"


class TicketMessage(models.Model):
    """One entry of the conversation: the customer's words, the desk's public reply, or an
    internal note (never shown to the customer; hidden from agents of other teams)."""

    class Kind(models.TextChoices):
        CUSTOMER = "customer", _("From the customer")
        REPLY = "reply", _("Reply to the customer")
        NOTE = "note", _("Internal note")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    # The team the note's author wrote it for (agents of other teams do not see it).
    team = models.ForeignKey(
        "crm.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    # The email's Message-ID (without angle brackets): an inbound email's own, or the one the
    # desk's reply went out with. Unique, so an email delivered twice is one entry, and a reply
    # whose In-Reply-To names it threads onto this ticket.
    message_id = models.CharField(_("email Message-ID"), max_length=255, blank=True, default="")

    class Meta:
        verbose_name = _("complaint message")
        verbose_name_plural = _("complaint messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="ticket_message_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["message_id"],
                condition=~models.Q(message_id=""),
                name="ticket_message_id_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"

    @property
    def is_public(self) -> bool:
        return self.kind != self.Kind.NOTE


class TicketEvent(models.Model):
    """The ticket's history, written by the door (and by the desk's other services)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("what"), max_length=30)
    from_status = models.CharField(max_length=20, choices=TicketStatus, blank=True)
    to_status = models.CharField(max_length=20, choices=TicketStatus, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="ticket_event_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"
