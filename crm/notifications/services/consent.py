"""Each person's channel consents: the decisions, withdrawals by link or STOP reply, and
decisions taken by an agent on a call."""

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction

from shop.audit import audit_record
from shop.models import User

from ..links import UNSUBSCRIBE_SALT
from ..models import Channel, Consent, ConsentCurrent, PushSubscription

# Channels that reach a number; the others (email, browser notifications) name the account by
# its email address.
PHONE_CHANNELS = (Channel.SMS, Channel.PHONE, Channel.WHATSAPP)


def consent_is_given(*, user: User, channel: str) -> bool:
    """Whether the person's current decision on this channel is "yes" (one query)."""
    return ConsentCurrent.objects.filter(user=user, channel=channel, granted=True).exists()


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
    """Record a consent decision and make it the current one; no new row if it changes nothing.

    A first "no" is recorded (an explicit refusal), a repeated one is not. A "no" to browser
    notifications also forgets every browser subscribed to them.
    """
    with transaction.atomic():
        User.objects.select_for_update().only("pk").get(pk=user.pk)
        if channel == Channel.PUSH and not granted:
            PushSubscription.objects.filter(user=user).delete()
        current = ConsentCurrent.objects.filter(user=user, channel=channel).first()
        if current is not None and current.granted == granted:
            return None
        decision = Consent.objects.create(
            user=user,
            channel=channel,
            granted=granted,
            recipient=user.phone if channel in PHONE_CHANNELS else user.email,
            source=source,
            text_version=text_version or settings.NOTIFICATIONS_CONSENT_TEXT_VERSION,
            ip_address=ip_address,
            recorded_by=recorded_by,
        )
        ConsentCurrent.objects.update_or_create(
            user=user,
            channel=channel,
            defaults={
                "granted": granted,
                "recipient": decision.recipient,
                "source": source,
                "updated_at": decision.created_at,
            },
        )
        return decision


def consent_record_by_staff(
    *, agent: User, user: User, channel: str, granted: bool, note: str = ""
) -> Consent | None:
    """A decision the customer gave an agent (on a call): source "staff", the agent recorded.

    The agent and the note also go to the audit trail. Refused for anyone who is not staff.
    """
    if not (agent.is_active and agent.is_staff):
        raise PermissionDenied("Only staff record a consent for a customer.")
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    with transaction.atomic():
        decision = consent_set(
            user=user,
            channel=channel,
            granted=granted,
            source=Consent.Source.STAFF,
            recorded_by=agent,
        )
        if decision is not None:
            audit_record(
                actor=agent,
                action="consent.given" if granted else "consent.withdrawn",
                target=user,
                reason=note,
                details={"channel": channel, "consent": decision.pk},
            )
        return decision


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
