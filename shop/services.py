"""Writes the shop package owns: the user's own profile and language, the business calendar."""

from datetime import time

from django.conf import settings
from django.db import transaction

from .exceptions import ShopError
from .models import CalendarDay, User


def user_update_profile(
    *,
    user: User,
    first_name: str,
    last_name: str,
    phone: str,
    language: str,
    time_zone: str,
) -> User:
    """Save what a customer may edit about themselves (phone already normalised to E.164)."""
    with transaction.atomic():
        user.first_name = first_name.strip()
        user.last_name = last_name.strip()
        user.phone = phone
        user.language = language
        user.time_zone = time_zone
        user.full_clean(exclude=["password"])
        user.save(update_fields=["first_name", "last_name", "phone", "language", "time_zone"])
    return user


def user_set_language(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ShopError(f"Unknown language: {language}")
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language


def calendar_seed(*, year: int) -> int:
    """Write the year's Turkish public holidays and half days (bayram eves) from the `holidays`
    library; a day already there (seeded or set by staff) is left as it is. Returns the rows
    made; running it again makes none."""
    import holidays

    def names(language: str) -> dict:
        return holidays.country_holidays(
            "TR", years=year, categories=("public", "half_day"), language=language
        )

    half_days = holidays.country_holidays("TR", years=year, categories=("half_day",))
    english = names("en_US")
    closes = time.fromisoformat(settings.BUSINESS_HALF_DAY_CLOSES_AT)
    made = 0
    with transaction.atomic():
        for day, name in sorted(names("tr").items()):
            half = day in half_days and day not in holidays.country_holidays("TR", years=year)
            _, created = CalendarDay.objects.get_or_create(
                date=day,
                defaults={
                    "kind": CalendarDay.Kind.HALF_DAY if half else CalendarDay.Kind.HOLIDAY,
                    "name": name[:160],
                    "name_en": english.get(day, "")[:160],
                    "closes_at": closes if half else None,
                    "from_library": True,
                },
            )
            made += created
    return made
