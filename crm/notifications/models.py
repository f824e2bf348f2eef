"""The outbox (one row per message per channel), consent history, current consents and
suppressions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Phone call")
    WHATSAPP = "whatsapp", _("WhatsApp")
    # Browser notifications (Web Push) to the browsers a signed-in customer turned them on in.
    PUSH = "push", _("Browser notification")


# The channels a person can be reached on by staff (a profile's "preferred way to reach you").
CONTACT_CHANNEL_CHOICES = [(value, label) for value, label in Channel.choices if value != "push"]


class Category(models.TextChoices):
    TRANSACTIONAL = "transactional", _("Transactional")
    MARKETING = "marketing", _("Marketing")


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    DEFERRED = "deferred", _("Deferred")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    SUPPRESSED = "suppressed", _("Suppressed")
    UNKNOWN = "unknown", _("Unknown (check with the provider)")


# The marketing messages the weekly cap counts: on their way or sent (not suppressed or failed).
CAP_COUNTED_STATUSES = (
    Status.QUEUED,
    Status.DEFERRED,
    Status.SENDING,
    Status.SENT,
    Status.DELIVERED,
)


class Message(models.Model):
    kind = models.CharField(_("kind"), max_length=60)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel)
    category = models.CharField(_("category"), max_length=16, choices=Category)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    recipient = models.CharField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=8)
    subject_line = models.CharField(_("subject line"), max_length=255, blank=True)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    sms_encoding = models.CharField(max_length=8, blank=True)
    sms_parts = models.PositiveSmallIntegerField(_("SMS parts"), default=0)
    # Where answers to an email should go (a help desk's address for its ticket); blank: none.
    reply_to = models.EmailField(_("reply to"), blank=True)

    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.QUEUED)
    status_reason = models.CharField(_("reason"), max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    provider_message_id = models.CharField(_("provider id"), max_length=120, blank=True)

    # What the message is about, by type and id ("order", "42"): no foreign key to higher apps.
    subject_type = models.CharField(_("about"), max_length=30, blank=True)
    subject_id = models.CharField(_("about id"), max_length=40, blank=True)
    dedupe_key = models.CharField(max_length=160, blank=True)
    resend_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="resends"
    )

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    not_before = models.DateTimeField(_("not before"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key", "channel"],
                condition=~Q(dedupe_key=""),
                name="notifications_dedupe_per_channel",
            )
        ]
        indexes = [
            models.Index(fields=["status", "not_before"], name="notif_status_due_idx"),
            models.Index(fields=["user", "category", "created_at"], name="notif_user_cat_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="notif_subject_idx"),
            models.Index(fields=["provider_message_id"], name="notif_provider_id_idx"),
            models.Index(fields=["kind", "-created_at"], name="notif_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient} ({self.channel})"


class Consent(models.Model):
    """One consent decision (given or withdrawn). The latest row per person and channel wins.

    Kept as history, in the shape Turkey's İYS register asks for: recipient, channel, status,
    when, from where, and the text version the person saw.
    """

    class Source(models.TextChoices):
        SIGNUP = "signup", _("Sign-up form")
        PROFILE = "profile", _("Profile page")
        CHECKOUT = "checkout", _("Checkout")
        STAFF = "staff", _("Staff")
        UNSUBSCRIBE = "unsubscribe", _("Unsubscribe link")
        SMS_OPT_OUT = "sms_opt_out", _("SMS opt-out")
        BOUNCE = "bounce", _("Hard bounce")
        ERASURE = "erasure", _("Account deleted")
        ORDER_PAGE = "order_page", _("Order page")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel)
    granted = models.BooleanField(_("granted"))
    recipient = models.CharField(_("address or number"), max_length=254)
    source = models.CharField(_("source"), max_length=16, choices=Source)
    text_version = models.CharField(_("consent text version"), max_length=40, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "channel", "-created_at"], name="notif_consent_latest_idx")
        ]

    def __str__(self) -> str:
        state = _("given") if self.granted else _("withdrawn")
        return f"{self.recipient} {self.channel}: {state}"


class ConsentCurrent(models.Model):
    """Where each person stands on one channel now: the latest decision of the history.

    Written by `consent_set` in the same transaction as the history row, so an audience is
    counted (or a send checked) in one query without reading the history.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="current_consents"
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel)
    granted = models.BooleanField(_("granted"))
    recipient = models.CharField(_("address or number"), max_length=254, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Consent.Source)
    updated_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        verbose_name = _("current consent")
        verbose_name_plural = _("current consents")
        ordering = ["user_id", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["user", "channel"], name="notif_consent_current_unique")
        ]
        # Audiences and segments: "granted on this channel"; the account's id is in the index,
        # so a count reads no table rows.
        indexes = [
            models.Index(fields=["channel", "granted", "user"], name="notif_consent_audience_idx")
        ]

    def __str__(self) -> str:
        state = _("given") if self.granted else _("withdrawn")
        return f"{self.user_id} {self.channel}: {state}"


class Suppression(models.Model):
    """An address no marketing may go to (hard bounce, spam complaint)."""

    channel = models.CharField(_("channel"), max_length=12, choices=Channel)
    address = models.CharField(_("address or number"), max_length=254)
    reason = models.CharField(_("reason"), max_length=120)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("suppression")
        verbose_name_plural = _("suppressions")
        constraints = [
            models.UniqueConstraint(fields=["channel", "address"], name="notif_suppression_unique")
        ]

    def __str__(self) -> str:
        return f"{self.address} ({self.channel})"


class MessageText(models.Model):
    """Staff's own words for a kind with an editable text, in one language (see kinds.py).

    Rendered with the restricted placeholders (`{first_name}`), never as a template."""

    kind = models.CharField(_("kind"), max_length=60)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("email subject"), max_length=200)
    body = models.TextField(_("email text"))
    sms = models.CharField(_("SMS text"), max_length=480, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("message text")
        verbose_name_plural = _("message texts")
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="notif_text_kind_language")
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.language})"


class KindSwitch(models.Model):
    """A kind staff switched off (or on again): a switched-off kind is not queued at all.

    No row means on."""

    kind = models.CharField(_("kind"), max_length=60, unique=True)
    enabled = models.BooleanField(_("on"), default=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("message kind switch")
        verbose_name_plural = _("message kind switches")

    def __str__(self) -> str:
        return f"{self.kind}: {'on' if self.enabled else 'off'}"


class PushSubscription(models.Model):
    """One browser a customer turned notifications on in (the Push API's subscription).

    The endpoint is the browser vendor's push service URL for that browser; p256dh and auth are
    the browser's keys the payload is encrypted to. A push service answering 404/410 for the
    endpoint means the browser dropped it: the row is deleted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.CharField(_("endpoint"), max_length=1000, unique=True)
    p256dh = models.CharField(_("browser public key"), max_length=100)
    auth = models.CharField(_("auth secret"), max_length=40)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last push"), null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.user_agent[:40] or self.endpoint[:40]}"
