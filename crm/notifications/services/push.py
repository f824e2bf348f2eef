"""Browser notifications: a customer turns them on in a browser (a subscription and their
consent), off in one browser, or off everywhere."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.models import User

from ..exceptions import PushSubscriptionInvalid, PushSubscriptionNotFound
from ..models import Channel, Consent, PushSubscription
from ..push import push_enabled, subscription_parse
from .consent import consent_set

# Where a customer may turn notifications on or off themselves.
PUSH_SOURCES = (Consent.Source.ORDER_PAGE, Consent.Source.PROFILE)
# Browsers kept per account: a new one beyond this forgets the one subscribed longest ago, so a
# script posting made-up subscriptions cannot fill the table (or every push) for its account.
MAX_BROWSERS = 10


def push_subscription_save(
    *,
    user: User,
    subscription: object,
    source: str,
    user_agent: str = "",
    ip_address: str | None = None,
) -> PushSubscription:
    """Keep this browser's subscription for the account and record the customer's "yes".

    Raises PushSubscriptionInvalid (nothing changed) for something that is not a subscription,
    a push service we do not send to, or a browser already subscribed for another account.
    """
    if not push_enabled():
        raise PushSubscriptionInvalid(_("Browser notifications are not available at the moment."))
    if source not in PUSH_SOURCES:
        raise PushSubscriptionInvalid(_("This is not a browser push subscription."))
    data = subscription_parse(subscription)
    with transaction.atomic():
        row = PushSubscription.objects.select_for_update().filter(endpoint=data.endpoint).first()
        if row is not None and row.user_id != user.pk:
            raise PushSubscriptionInvalid(
                _(
                    "This browser already receives notifications for another account. Sign in "
                    "to that account and turn them off there first."
                )
            )
        if row is None:
            row = PushSubscription(user=user, endpoint=data.endpoint, created_at=timezone.now())
        row.p256dh, row.auth = data.p256dh, data.auth
        row.user_agent = user_agent[:255]
        row.save()
        kept = PushSubscription.objects.filter(user=user).order_by("-created_at", "-pk")
        PushSubscription.objects.filter(
            pk__in=kept.values_list("pk", flat=True)[MAX_BROWSERS:]
        ).delete()
        consent_set(
            user=user, channel=Channel.PUSH, granted=True, source=source, ip_address=ip_address
        )
    return row


def push_subscription_remove(
    *, user: User, endpoint: str, source: str, ip_address: str | None = None
) -> int:
    """Forget one browser of the account; returns how many stay subscribed. With none left the
    customer's "yes" is withdrawn too. PushSubscriptionNotFound (nothing changed) when the
    endpoint is not one of this account's."""
    if source not in PUSH_SOURCES:
        raise PushSubscriptionNotFound(endpoint)
    with transaction.atomic():
        deleted, _per_model = PushSubscription.objects.filter(
            user=user, endpoint=str(endpoint)[:1000]
        ).delete()
        if not deleted:
            raise PushSubscriptionNotFound(endpoint)
        left = PushSubscription.objects.filter(user=user).count()
        if not left:
            consent_set(
                user=user, channel=Channel.PUSH, granted=False, source=source, ip_address=ip_address
            )
    return left


def push_turn_off(*, user: User, source: str, ip_address: str | None = None) -> None:
    """Browser notifications off in every browser: the "no" is recorded and the browsers
    forgotten (consent_set deletes them)."""
    consent_set(
        user=user, channel=Channel.PUSH, granted=False, source=source, ip_address=ip_address
    )


def push_subscription_gone(*, subscription_id: int) -> None:
    """The push service says the browser dropped this subscription (404/410): forget it. The
    customer's consent stays: it was their choice, not the browser's."""
    PushSubscription.objects.filter(pk=subscription_id).delete()
