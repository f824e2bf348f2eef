"""Marketing consent recorded from the customer's own pages (sign-up, message preferences)."""

from collections.abc import Mapping

from django.conf import settings
from django.db import transaction

from crm.notifications.services import consent_set
from shop.models import User


def marketing_consent_record(
    *, user: User, granted: Mapping[str, bool], source: str, ip_address: str | None
) -> None:
    """Record a customer's marketing choice per channel, with the text shown and their address."""
    with transaction.atomic():
        for channel, given in granted.items():
            consent_set(
                user=user,
                channel=channel,
                granted=given,
                source=source,
                text_version=settings.NOTIFICATIONS_CONSENT_TEXT_VERSION,
                ip_address=ip_address,
            )
