"""Signed unsubscribe links: built for marketing messages, read by `unsubscribe`."""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

from shop.models import User

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def unsubscribe_url(*, user: User, channel: str) -> str:
    token = signing.dumps({"u": user.pk, "c": channel}, salt=UNSUBSCRIBE_SALT)
    with translation.override(user.language or settings.LANGUAGE_CODE):
        path = reverse("notifications:unsubscribe", args=[token])
    return f"{settings.SITE_URL}{path}"
