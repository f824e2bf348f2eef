"""What a customer tells the shop about themselves, beyond the account: every field optional.

Language and time zone stay on `shop.User` (the outbox reads them there). The privacy notice
lists each field and what the shop uses it for; keep the two in step.
"""

import datetime
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import ExtractDay, ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from crm.notifications.models import CONTACT_CHANNEL_CHOICES
from orders.geo import PROVINCES
from shop.text import fold

MAX_INTEREST_TAGS = 10
MAX_TAG_LENGTH = 30
OLDEST_AGE_YEARS = 120

# The 81 provinces by licence-plate code, in alphabetical order as a Turkish reader expects.
CITY_CHOICES = sorted(PROVINCES.items(), key=lambda item: fold(item[1]))


class Gender(models.TextChoices):
    FEMALE = "female", pgettext_lazy("gender", "Woman")
    MALE = "male", pgettext_lazy("gender", "Man")
    OTHER = "other", pgettext_lazy("gender", "Other")
    UNSAID = "unsaid", pgettext_lazy("gender", "Prefer not to say")


def validate_birth_date(value: datetime.date | None) -> None:
    """Not in the future, and not so long ago that it must be a typing slip."""
    if value is None:
        return
    today = timezone.localdate()
    if value > today:
        raise ValidationError(_("Your birth date cannot be in the future."), code="future")
    if value < today.replace(year=today.year - OLDEST_AGE_YEARS, day=min(today.day, 28)):
        raise ValidationError(
            _("Please check the year: that date is more than %(years)d years ago."),
            code="too_old",
            params={"years": OLDEST_AGE_YEARS},
        )


def validate_interest_tags(value: object) -> None:
    """A list of at most ten short texts."""
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        raise ValidationError(_("Interests must be a list of words."), code="invalid")
    if len(value) > MAX_INTEREST_TAGS:
        raise ValidationError(
            ngettext(
                "You can keep at most %(max)d interest; you gave %(count)d.",
                "You can keep at most %(max)d interests; you gave %(count)d.",
                MAX_INTEREST_TAGS,
            ),
            code="too_many",
            params={"max": MAX_INTEREST_TAGS, "count": len(value)},
        )
    for tag in value:
        if not tag or len(tag) > MAX_TAG_LENGTH:
            raise ValidationError(
                _("Keep each interest to %(max)d characters: “%(tag)s” is longer."),
                code="too_long",
                params={"max": MAX_TAG_LENGTH, "tag": tag[:40]},
            )


_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = "#,;.·-_ "


def normalise_interest_tags(tags: list[str], *, language: str = "") -> list[str]:
    """Trimmed, lower-case (the Turkish way for Turkish), duplicates dropped; order kept.

    Two tags are the same when they fold alike ('Örgü', 'orgu'), so 'Kitap' and 'kitap' are one.
    """
    turkish = (language or "").split("-")[0] == "tr"
    seen: set[str] = set()
    result = []
    for raw in tags:
        tag = unicodedata.normalize("NFC", "".join(ch for ch in raw if ch.isprintable()))
        tag = _SPACES.sub(" ", tag).strip(_EDGE_PUNCTUATION)
        tag = tag.replace("İ", "i")
        if turkish:
            tag = tag.replace("I", "ı")
        tag = tag.lower()
        key = fold(tag)
        if tag and key not in seen:
            seen.add(key)
            result.append(tag)
    return result


class CustomerProfile(models.Model):
    """One per customer, made on the first save of the profile page (never on a read)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="crm_profile",
        verbose_name=_("customer"),
    )
    birth_date = models.DateField(
        _("birth date"),
        null=True,
        blank=True,
        validators=[validate_birth_date],
        help_text=_("For a greeting and a small gift on your birthday."),
    )
    gender = models.CharField(
        _("gender"),
        max_length=8,
        choices=Gender,
        blank=True,
        default="",
    )
    gender_in_offers = models.BooleanField(
        _("Use my gender to choose the offers I see"),
        default=False,
        help_text=_("Off unless you tick it: then only for the offers, never shared."),
    )
    city = models.CharField(
        _("city"),
        max_length=2,
        choices=CITY_CHOICES,
        blank=True,
        default="",
        help_text=_("For delivery estimates and offers in your region."),
    )
    interest_categories = models.ManyToManyField(
        "catalog.Category",
        verbose_name=_("interests from our catalogue"),
        related_name="interested_profiles",
        blank=True,
    )
    interest_tags = models.JSONField(
        _("other interests"),
        default=list,
        blank=True,
        validators=[validate_interest_tags],
    )
    preferred_channel = models.CharField(
        _("preferred way to reach you"),
        max_length=12,
        choices=CONTACT_CHANNEL_CHOICES,
        blank=True,
        default="",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("customer profile")
        verbose_name_plural = _("customer profiles")
        indexes = [
            # Segments (crm.segments.rules) filter by city and age; with the account's id in
            # the index, a count reads no table rows.
            models.Index(fields=["city", "user"], name="crm_profile_city_idx"),
            models.Index(fields=["birth_date", "user"], name="crm_profile_birth_idx"),
            # The birthday sweep looks people up by month and day of birth.
            models.Index(
                ExtractMonth("birth_date"),
                ExtractDay("birth_date"),
                name="crm_profile_birthday_idx",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Profile of %(user)s") % {"user": self.user_id})

    @property
    def city_name(self) -> str:
        return PROVINCES.get(self.city, "")
