"""Writes on the user that the shop package owns."""

from django.conf import settings
from django.db import transaction

from .exceptions import ShopError
from .models import User


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
