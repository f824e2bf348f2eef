"""Every contact with a customer (or a guest contact), on every channel, and the call-centre
console's permission."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["Interaction", "Lookup"]


class Interaction(models.Model):
    """One contact: who, on which channel, which way, what was said and how it ended.

    A guest has no account: the contact's email or phone stands in. A complaint is named by
    type and id (crm never imports complaints)."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone / call centre")
        EMAIL = "email", _("Email")
        CHAT = "chat", _("Live chat")
        SOCIAL = "social", _("Social media")
        WHATSAPP = "whatsapp", _("WhatsApp")
        IN_PERSON = "in_person", _("In person")
        # A staff member's note about the customer (no contact): kept here so that notes and
        # contacts share one panel, one timeline and one export.
        NOTE = "note", _("Internal note")

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("Inbound")
        OUTBOUND = "outbound", _("Outbound")
        INTERNAL = "internal", _("Internal")

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("Resolved")
        FOLLOW_UP = "follow_up", _("Follow-up needed")
        CALLBACK_SCHEDULED = "callback_scheduled", _("Callback scheduled")
        NO_ANSWER = "no_answer", _("No answer")
        WRONG_NUMBER = "wrong_number", _("Wrong number")
        COMPLAINT_OPENED = "complaint_opened", _("Complaint opened")
        ORDER_PLACED = "order_placed", _("Order placed")
        INFORMATION_GIVEN = "information_given", _("Information given")
        NOTED = "noted", _("Noted")

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interactions",
        verbose_name=_("customer"),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    summary = models.TextField(_("summary"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome)
    recording_ref = models.CharField(_("call recording"), max_length=200, blank=True)
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("order"),
    )
    subject_type = models.CharField(_("about (type)"), max_length=40, blank=True)
    subject_id = models.CharField(_("about (id)"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="crm_interaction_customer_idx"),
            models.Index(fields=["order"], name="crm_interaction_order_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="crm_interaction_subject_idx"),
            models.Index(fields=["contact_phone"], name="crm_interaction_phone_idx"),
            models.Index(fields=["-created_at"], name="crm_interaction_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=False) | ~Q(contact_email="") | ~Q(contact_phone=""),
                name="crm_interaction_has_someone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.get_outcome_display()}"

    @property
    def is_note(self) -> bool:
        return self.channel == self.Channel.NOTE

    @property
    def who(self) -> str:
        if self.customer_id:
            return str(self.customer)
        return self.contact_email or self.contact_phone


class Lookup(models.Model):
    """The call-centre console (/admin/crm/lookup/) and its permission; its table stays empty
    (a real one, so that code walking every admin model may query it)."""

    class Meta:
        default_permissions = ()
        permissions = [("use_lookup", _("Can use the call-centre customer lookup"))]
        verbose_name = _("customer lookup")
        verbose_name_plural = _("customer lookup")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
