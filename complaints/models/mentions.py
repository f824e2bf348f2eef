"""The mention inbox: what people write about the shop on social media, complaint sites and
review pages, imported (CSV or a signed webhook) and triaged by staff — made into a ticket,
dismissed, or flagged as a crisis. Not every mention deserves an answer."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..states import Channel


class MentionSource(models.TextChoices):
    TWITTER = "twitter", _("X (Twitter)")
    INSTAGRAM = "instagram", _("Instagram")
    FACEBOOK = "facebook", _("Facebook")
    COMPLAINT_SITE = "complaint_site", _("Complaint site (e.g. Şikayetvar)")
    GOOGLE_REVIEWS = "google_reviews", _("Google reviews")
    OTHER = "other", _("Other")


# The ticket channel a mention's ticket is opened on.
SOURCE_CHANNEL = {
    MentionSource.COMPLAINT_SITE: Channel.COMPLAINT_SITE,
    MentionSource.GOOGLE_REVIEWS: Channel.COMPLAINT_SITE,
}


def source_channel(source: str) -> str:
    return SOURCE_CHANNEL.get(source, Channel.SOCIAL)


class MentionClass(models.TextChoices):
    """The seed's kinds of what is written about a brand online."""

    COMPLAINT = "complaint", _("Complaint")
    QUESTION = "question", _("Question")
    MISINFORMATION = "misinformation", _("Misinformation")
    FAKE_ACCOUNT = "fake_account", _("Fake account or page")
    COMPETITOR_ATTACK = "competitor_attack", _("Competitor attack")
    LEAK = "leak", _("Information leak")
    PRAISE = "praise", _("Praise")


class TriageStatus(models.TextChoices):
    NEW = "new", _("New")
    TICKET_MADE = "ticket_made", _("Ticket made")
    DISMISSED = "dismissed", _("Dismissed")
    CRISIS_FLAGGED = "crisis_flagged", _("Crisis flagged")


class Mention(models.Model):
    class Via(models.TextChoices):
        CSV = "csv", _("CSV upload")
        WEBHOOK = "webhook", _("Webhook")

    source = models.CharField(_("source"), max_length=20, choices=MentionSource)
    url = models.URLField(_("address"), max_length=500, unique=True)
    author = models.CharField(_("author"), max_length=150)
    text = models.TextField(_("text"))
    posted_at = models.DateTimeField(_("posted"))
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("order"),
    )
    classification = models.CharField(
        _("classification"), max_length=20, choices=MentionClass, blank=True
    )
    status = models.CharField(
        _("triage"), max_length=20, choices=TriageStatus, default=TriageStatus.NEW
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("triaged by"),
    )
    triaged_at = models.DateTimeField(_("triaged"), null=True, blank=True)
    dismiss_reason = models.CharField(_("reason dismissed"), max_length=300, blank=True)
    ticket = models.ForeignKey(
        "complaints.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentions",
        verbose_name=_("complaint"),
    )
    received_via = models.CharField(_("received via"), max_length=10, choices=Via)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        ordering = ["-posted_at"]
        indexes = [
            models.Index(fields=["status", "-posted_at"], name="mention_triage_idx"),
            models.Index(fields=["posted_at"], name="mention_posted_idx"),
            models.Index(fields=["product", "posted_at"], name="mention_product_idx"),
        ]
        permissions = [
            ("import_mentions", _("Can import mentions (CSV)")),
            ("triage_mention", _("Can triage mentions")),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.author}"

    @property
    def channel(self) -> str:
        return source_channel(self.source)
