"""Live chat: a conversation between a customer (or a guest) and the assistant, then an agent."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.chat.states import Author, ChatEnd, ChatStatus

__all__ = ["ChatMessage", "Conversation"]

MESSAGE_MAX_LENGTH = 2000


def new_chat_token() -> str:
    return secrets.token_urlsafe(18)


class Conversation(models.Model):
    """One chat. The customer reaches it by its token (in their session, or their account);
    `last_message_id` lets a poll answer "nothing new" from one indexed row."""

    token = models.CharField(_("token"), max_length=32, unique=True, default=new_chat_token)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chats",
        verbose_name=_("customer"),
    )
    guest_email = models.EmailField(_("guest email"), blank=True)
    guest_name = models.CharField(_("guest name"), max_length=150, blank=True)
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("order"),
    )
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE)
    status = models.CharField(
        _("status"), max_length=10, choices=ChatStatus, default=ChatStatus.ASSISTANT
    )
    ended_reason = models.CharField(_("ended because"), max_length=12, choices=ChatEnd, blank=True)
    team = models.ForeignKey(
        "crm.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    # The assistant's state: the topic being answered ("where", "cancel", ...), blank at its menu.
    topic = models.CharField(_("topic"), max_length=20, blank=True)
    last_message_id = models.BigIntegerField(_("last message"), default=0)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    handed_over_at = models.DateTimeField(_("handed over"), null=True, blank=True)
    taken_at = models.DateTimeField(_("taken by an agent"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    # The transcript's summary, kept after the transcript itself is removed.
    interaction = models.OneToOneField(
        "crm.Interaction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chat",
        verbose_name=_("interaction"),
    )
    # The complaint it became (crm knows no ticket model: an id, a number and a URL).
    ticket_id = models.CharField(_("complaint (id)"), max_length=40, blank=True)
    ticket_number = models.CharField(_("complaint"), max_length=40, blank=True)
    ticket_url = models.CharField(_("complaint link"), max_length=300, blank=True)
    transcript_removed_at = models.DateTimeField(_("transcript removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("chat")
        verbose_name_plural = _("chats")
        ordering = ["-started_at", "-pk"]
        permissions = [
            ("use_chat_console", _("Can answer chats in the chat console")),
            ("take_any_chat", _("Can take and transfer chats of any team's queue")),
        ]
        indexes = [
            models.Index(fields=["status", "team", "handed_over_at"], name="crm_chat_queue_idx"),
            models.Index(fields=["agent", "status"], name="crm_chat_agent_idx"),
            models.Index(fields=["customer", "-started_at"], name="crm_chat_customer_idx"),
            models.Index(fields=["status", "last_activity_at"], name="crm_chat_idle_idx"),
            models.Index(fields=["ended_at"], name="crm_chat_ended_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=False) | ~Q(guest_email=""),
                name="crm_chat_has_someone",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="crm_chat_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Chat')} #{self.pk} · {self.who}"

    @property
    def who(self) -> str:
        if self.customer_id:
            return str(self.customer)
        return self.guest_name or self.guest_email

    @property
    def email(self) -> str:
        return self.customer.email if self.customer_id else self.guest_email

    @property
    def is_open(self) -> bool:
        return self.status != ChatStatus.ENDED

    @property
    def self_served(self) -> bool:
        """Ended without ever reaching an agent."""
        return self.status == ChatStatus.ENDED and self.handed_over_at is None


class ChatMessage(models.Model):
    """One line of a chat: plain text (escaped when shown), at most 2,000 characters.

    An assistant's answer keeps what it rests on in `meta`: {"source": "...", "as_of":
    ISO datetime, "link": URL, "link_label": "..."} (each optional)."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages", verbose_name=_("chat")
    )
    author = models.CharField(_("from"), max_length=10, choices=Author)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    body = models.TextField(_("text"), max_length=MESSAGE_MAX_LENGTH)
    meta = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        ordering = ["conversation", "pk"]
        indexes = [models.Index(fields=["conversation", "id"], name="crm_chatmessage_after_idx")]

    def __str__(self) -> str:
        return f"{self.get_author_display()}: {self.body[:60]}"
