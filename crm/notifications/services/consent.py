"""Each person's channel consents: the decisions, withdrawals by link or STOP reply."""

from django.conf import settings
from django.core import signing
from django.db import transaction

from shop.models import User

from ..links import UNSUBSCRIBE_SALT
from ..models import Channel, Consent


def consent_is_given(*, user: User, channel: str) -> bool:
    latest = Consent.objects.filter(user=user, channel=channel).order_by("-created_at", "-pk")
    row = latest.first()
    return bool(row and row.granted)


def consent_set(
    *,
    user: User,
    channel: str,
    granted: bool,
    source: str,
    text_version: str = "",
    ip_address: str | None = None,
    recorded_by: User | None = None,
) -> Consent | None:
    """Record a consent decision; no new row if it changes nothing."""
    with transaction.atomic():
        User.objects.select_for_update().only("pk").get(pk=user.pk)
        if consent_is_given(user=user, channel=channel) == granted and (
            granted or Consent.objects.filter(user=user, channel=channel).exists()
        ):
            return None
        return Consent.objects.create(
            user=user,
            channel=channel,
            granted=granted,
            recipient=user.email if channel == Channel.EMAIL else user.phone,
            source=source,
            text_version=text_version or settings.NOTIFICATIONS_CONSENT_TEXT_VERSION,
            ip_address=ip_address,
            recorded_by=recorded_by,
        )


def unsubscribe(*, token: str) -> User:
    """Withdraw the consent the signed token names; returns whose it was.

    Raises signing.BadSignature if forged, User.DoesNotExist if the account is gone.
    """
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    user = User.objects.get(pk=data["u"])
    consent_set(user=user, channel=data["c"], granted=False, source=Consent.Source.UNSUBSCRIBE)
    return user


def sms_opt_out(*, phone: str) -> int:
    """Withdraw SMS consent of every account with this number (a STOP reply)."""
    users = list(User.objects.filter(phone=phone))
    for user in users:
        consent_set(
            user=user, channel=Channel.SMS, granted=False, source=Consent.Source.SMS_OPT_OUT
        )
    return len(users)
