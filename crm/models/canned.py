"""Canned responses: texts agents pick and edit before sending (the complaint desk, the chat).

Written by managers in Turkish or English with the restricted placeholders of
`crm.staff.canned` (`{first_name}`, `{order_number}`, ...), never Django templates."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.notifications.exceptions import PlaceholderError
from crm.notifications.placeholders import placeholders_check

# The only placeholders a canned response may name (never a Django template).
CANNED_PLACEHOLDERS = ("first_name", "order_number", "tracking_link", "ticket_number")

__all__ = ["CannedResponse"]


class CannedResponse(models.Model):
    class Language(models.TextChoices):
        TR = "tr", _("Turkish")
        EN = "en", _("English")

    title = models.CharField(_("title"), max_length=120)
    language = models.CharField(_("language"), max_length=2, choices=Language, default="tr")
    body = models.TextField(_("text"))
    active = models.BooleanField(_("active"), default=True)
    # A complaint category code ("late_or_missing", ...); blank: for every category.
    category = models.CharField(
        _("category"),
        max_length=30,
        blank=True,
        help_text=_("Offered only for complaints of this category; blank: for all."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["language", "active"], name="crm_canned_lang_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"

    def clean(self) -> None:
        try:
            placeholders_check(self.body, CANNED_PLACEHOLDERS)
        except PlaceholderError as error:
            raise ValidationError({"body": str(error)}) from None
