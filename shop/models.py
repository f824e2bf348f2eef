"""The shop's user: email is the login; phone, language and time zone serve messages later."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .phones import validate_mobile

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email: str) -> "User":
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), max_length=254, unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    phone = models.CharField(
        _("mobile phone"),
        max_length=20,
        blank=True,
        validators=[validate_mobile],
        help_text=_("Stored in international format, e.g. +905321234567."),
    )
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default=settings.TIME_ZONE
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Designates whether the user can log into the admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["-date_joined"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="shop_user_email_ci_unique"),
        ]
        # The call-centre lookup finds a customer by phone (E.164, as stored).
        indexes = [models.Index(fields=["phone"], name="shop_user_phone_idx")]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = type(self).objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email.split("@")[0]


class AuditEntry(models.Model):
    """Who did what to which object, when and why: one trail for the whole shop, written by
    services (never views). Names its object by type and id, so any app may record here."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # What was done, "<thing>.<verb>": "refund.reserve", "invoice.download", "payment.resolve".
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.CharField(_("object id"), max_length=40)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["object_type", "object_id", "-created_at"], name="shop_audit_object_idx"
            ),
            models.Index(fields=["actor", "-created_at"], name="shop_audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> None:
        raise ValueError("Audit entries are append-only.")


class CalendarDay(models.Model):
    """A day the shop's business calendar treats unlike an ordinary weekday (shop/calendar.py):
    a public holiday or a half day (seeded from the `holidays` library), a day the shop closes,
    or a weekend day it works. Staff edit these rows; a re-seed never overwrites an edit."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday (closed)")
        HALF_DAY = "half_day", _("Half day (closes early)")
        CLOSED = "closed", _("Closed (the shop's own decision)")
        WORKING = "working", _("Working day (a weekend day worked)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    name = models.CharField(_("name"), max_length=160)
    name_en = models.CharField(_("name in English"), max_length=160, blank=True)
    closes_at = models.TimeField(
        _("closes at"), null=True, blank=True, help_text=_("For a half day: when work stops.")
    )
    # Seeded from the library and untouched since; a staff edit clears it (re-seeds skip it).
    from_library = models.BooleanField(_("from the holiday library"), default=False)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("business calendar")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="half_day") | models.Q(closes_at__isnull=False),
                name="shop_calendar_half_day_closes",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.name}"
