""" "Call me back" requests from the site: a queue ordered by due time that agents work."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["Callback"]


class Callback(models.Model):
    """One request to be called back within a window; due at the window's start.

    open → taken (one agent, under the row's lock) → done | failed (the outcome is an
    Interaction)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        TAKEN = "taken", _("Taken")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Topic(models.TextChoices):
        ORDER = "order", _("An order")
        DELIVERY = "delivery", _("Delivery")
        RETURN = "return", _("A return or refund")
        PAYMENT = "payment", _("Payment")
        PRODUCT = "product", _("A product question")
        OTHER = "other", _("Something else")

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="callbacks",
        verbose_name=_("customer"),
    )
    name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=20)
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE)
    topic = models.CharField(_("topic"), max_length=12, choices=Topic)
    order_number = models.CharField(_("order number"), max_length=20, blank=True)
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("order"),
    )
    window_start = models.DateTimeField(_("call from"))
    window_end = models.DateTimeField(_("call until"))
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.OPEN)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken by"),
    )
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The chat the request came from (the assistant, out of hours): the agent reads it first.
    conversation = models.ForeignKey(
        "crm.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chat"),
    )
    interaction = models.ForeignKey(
        "crm.Interaction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("outcome"),
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="crm_callback_queue_idx"),
            models.Index(fields=["customer", "-created_at"], name="crm_callback_customer_idx"),
            models.Index(fields=["phone"], name="crm_callback_phone_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gt=models.F("window_start")),
                name="crm_callback_window_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.phone}"

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_at < timezone.now()
