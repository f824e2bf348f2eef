"""Loyalty points: earning, taking back, redeeming, returning, staff adjustments and expiry.

Every entry is written under the account's row lock (`points_lock`), keyed by what caused it,
so a signal that runs twice or a retried job writes nothing twice. Debits consume the oldest
unexpired lots first and never take more than the lots hold: the balance never goes below zero.
A refund takes back earned points in proportion to the money refunded, capped at what the order
earned; points already spent are not clawed back (the account goes to zero, not below).

Lock order: at checkout cart → coupon → balance → points → variants; elsewhere payment →
order → points.
"""

import uuid
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.audit import audit_record
from shop.models import User
from shop.money import to_money

from ..exceptions import PaymentError
from ..models import PointsAccount, PointsEntry
from ..models.points import PointsAllocation
from ..selectors.points import (
    PointsSummary,
    customer_spend_12m,
    loyalty_tier,
    points_balance,
    points_earned_for_order,
    points_for_spend,
    points_lots,
    points_of_order,
    points_redeemed_for_order,
    points_statement,
    points_summary,
    points_value,
    redeem_limits,
    redeem_problem,
)

Kind = PointsEntry.Kind


class PointsError(PaymentError):
    """A points move that is not allowed (more than held, a missing reason)."""


# --- writes --------------------------------------------------------------------------------


def points_lock(*, user_id: int) -> PointsAccount:
    """The customer's account, made once and locked until the caller's transaction ends."""
    account = PointsAccount.objects.select_for_update().filter(user_id=user_id).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            PointsAccount.objects.create(user_id=user_id)
    except IntegrityError:  # a parallel request made it first
        pass
    return PointsAccount.objects.select_for_update().get(user_id=user_id)


def points_earn(
    *, user: User, order_id: int, amount: Decimal, key: str, multiplier: Decimal | None = None
) -> PointsEntry | None:
    """Credit the points an order's spend earns (once per key); None when it earns none.

    Without `multiplier`, the customer's tier gives it.
    """
    if multiplier is None:
        tier = loyalty_tier(user_id=user.pk)
        multiplier = tier.points_multiplier if tier is not None else Decimal(1)
    points = points_for_spend(amount, multiplier=multiplier)
    if points <= 0:
        return None
    with transaction.atomic():
        account = points_lock(user_id=user.pk)
        return _credit(
            account,
            kind=Kind.EARNED,
            points=points,
            key=key,
            order_id=order_id,
            amount=to_money(amount),
        )


def points_reverse_for_refund(
    *, user: User, order_id: int, refunded: Decimal, paid: Decimal, key: str
) -> list[PointsEntry]:
    """A refund takes back earned points and gives back redeemed ones, each in proportion to
    refunded ÷ paid and never beyond what the order earned or redeemed (keyed by refund).

    Earned points already spent are not taken: the account goes to zero, never below.
    """
    written = []
    with transaction.atomic():
        account = points_lock(user_id=user.pk)
        share = min(Decimal(refunded) / Decimal(paid), Decimal(1)) if paid > 0 else Decimal(1)
        earned = points_earned_for_order(order_id=order_id)
        taken = -points_of_order(order_id=order_id, kind=Kind.REVERSED)
        want = min(_proportion(earned, share), earned - taken)
        entry = PointsEntry.objects.filter(key=f"reverse:{key}").first()
        if entry is None and want > 0:
            held = points_balance(user_id=account.user_id)
            take = min(want, held)
            if take > 0:
                entry = _debit(
                    account,
                    kind=Kind.REVERSED,
                    points=take,
                    key=f"reverse:{key}",
                    order_id=order_id,
                    amount=to_money(refunded),
                )
        if entry is not None:
            written.append(entry)
        redeemed = points_redeemed_for_order(order_id=order_id)
        returned = points_of_order(order_id=order_id, kind=Kind.RETURNED)
        give = min(_proportion(redeemed, share), redeemed - returned)
        back = PointsEntry.objects.filter(key=f"return:{key}").first()
        if back is None and give > 0:
            back = _credit(
                account,
                kind=Kind.RETURNED,
                points=give,
                key=f"return:{key}",
                order_id=order_id,
                amount=to_money(refunded),
                expires_at=_returned_expiry(order_id),
            )
        if back is not None:
            written.append(back)
    return written


def points_redeem(*, user: User, order_id: int, points: int, key: str) -> PointsEntry:
    """Spend points on an order at placement (once per key); PointsError if not held."""
    if points <= 0:
        raise PointsError(_("Choose how many points to use."))
    with transaction.atomic():
        account = points_lock(user_id=user.pk)
        existing = PointsEntry.objects.filter(key=key).first()
        if existing is not None:
            return existing
        held = points_balance(user_id=user.pk)
        if points > held:
            raise PointsError(
                _("You have %(held)s points; you cannot use %(points)s.")
                % {"held": held, "points": points}
            )
        return _debit(
            account,
            kind=Kind.REDEEMED,
            points=points,
            key=key,
            order_id=order_id,
            amount=points_value(points),
        )


def points_return_redemption(*, user: User, order_id: int, key: str) -> PointsEntry | None:
    """Give back what an order redeemed and has not had back (its cancellation), once per key."""
    with transaction.atomic():
        account = points_lock(user_id=user.pk)
        existing = PointsEntry.objects.filter(key=key).first()
        if existing is not None:
            return existing
        give = points_redeemed_for_order(order_id=order_id) - points_of_order(
            order_id=order_id, kind=Kind.RETURNED
        )
        if give <= 0:
            return None
        return _credit(
            account,
            kind=Kind.RETURNED,
            points=give,
            key=key,
            order_id=order_id,
            amount=points_value(give),
            expires_at=_returned_expiry(order_id),
        )


def points_adjust(
    *, user: User, points: int, reason: str, actor: User, key: str = ""
) -> PointsEntry:
    """A staff adjustment (or a goodwill grant) with its reason and author, audited; a debit
    may not take more than the customer holds. The same `key` (a form's token) adjusts once."""
    if not reason.strip():
        raise PointsError(_("Give a reason for the adjustment."))
    if not isinstance(points, int) or points == 0:
        raise PointsError(_("An adjustment must be a whole number of points, not zero."))
    with transaction.atomic():
        account = points_lock(user_id=user.pk)
        key = f"adjustment-{key}" if key else f"adjustment-{uuid.uuid4().hex}"
        existing = PointsEntry.objects.filter(key=key).first()
        if existing is not None:  # the same form sent twice
            return existing
        if points > 0:
            entry = _credit(
                account,
                kind=Kind.ADJUSTMENT,
                points=points,
                key=key,
                reason=reason.strip(),
                by=actor,
            )
        else:
            held = points_balance(user_id=user.pk)
            if -points > held:
                raise PointsError(
                    _("The customer has %(held)s points; you cannot take %(points)s.")
                    % {"held": held, "points": -points}
                )
            entry = _debit(
                account,
                kind=Kind.ADJUSTMENT,
                points=-points,
                key=key,
                reason=reason.strip(),
                by=actor,
            )
        audit_record(
            actor=actor,
            action="points.adjust",
            target=entry,
            reason=entry.reason,
            details={"customer": user.pk, "points": entry.points},
        )
        return entry


def points_forfeit_all(*, user: User, reason: str) -> PointsEntry | None:
    """Write off every point the customer holds (their account is being erased), once."""
    with transaction.atomic():
        account = points_lock(user_id=user.pk)
        key = f"forfeit:user-{user.pk}"
        existing = PointsEntry.objects.filter(key=key).first()
        held = points_balance(user_id=user.pk)
        if existing is not None or held <= 0:
            return existing
        return _debit(account, kind=Kind.ADJUSTMENT, points=held, key=key, reason=reason)


def points_expire_due(*, now: datetime | None = None) -> tuple[int, int]:
    """Write off what is left of every lot that has expired (once per lot) and remind the owners
    of lots expiring soon (once per lot); returns (lots expired, reminders queued)."""
    from crm.notifications.models import Message
    from crm.notifications.services import notification_send

    now = now or timezone.now()
    expired = 0
    due = (
        PointsEntry.objects.filter(points__gt=0, expires_at__lte=now)
        .annotate(used=Coalesce(Sum("consumed_by__points"), 0))
        .filter(points__gt=F("used"))
        .values_list("pk", "account__user_id")
    )
    for lot_id, user_id in list(due):
        with transaction.atomic():
            account = points_lock(user_id=user_id)
            if PointsEntry.objects.filter(key=f"expire:lot-{lot_id}").exists():
                continue
            lot = (
                PointsEntry.objects.filter(pk=lot_id)
                .annotate(used=Coalesce(Sum("consumed_by__points"), 0))
                .get()
            )
            left = lot.points - lot.used
            if left <= 0:
                continue
            entry = PointsEntry.objects.create(
                account=account, kind=Kind.EXPIRED, points=-left, key=f"expire:lot-{lot_id}"
            )
            PointsAllocation.objects.create(debit=entry, lot=lot, points=left)
            expired += 1

    reminded = 0
    horizon = now + timedelta(days=settings.LOYALTY_EXPIRY_REMINDER_DAYS)
    soon = (
        PointsEntry.objects.filter(points__gt=0, expires_at__gt=now, expires_at__lte=horizon)
        .annotate(used=Coalesce(Sum("consumed_by__points"), 0))
        .annotate(remaining=F("points") - F("used"))
        .filter(remaining__gt=0)
        .select_related("account__user")
    )
    for lot in soon:
        dedupe_key = f"points-expiry:lot-{lot.pk}"
        if Message.objects.filter(dedupe_key=dedupe_key).exists():
            continue
        with transaction.atomic():
            notification_send(
                to=lot.account.user,
                kind="points_expiring",
                context={"points": lot.remaining, "expires_at": lot.expires_at},
                subject=("points_lot", lot.pk),
                dedupe_key=dedupe_key,
            )
        reminded += 1
    return expired, reminded


# --- inside ------------------------------------------------------------------------------


def _proportion(points: int, share: Decimal) -> int:
    return int((Decimal(points) * share).to_integral_value(rounding=ROUND_HALF_UP))


def _lot_expiry(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(days=settings.LOYALTY_POINTS_VALID_DAYS)


def _returned_expiry(order_id: int) -> datetime:
    """Returned points keep the latest expiry of the lots they came from (a fresh period if
    that has passed), so cancelling an order is no way to extend points."""
    latest = (
        PointsAllocation.objects.filter(debit__order_id=order_id, debit__kind=Kind.REDEEMED)
        .order_by("-lot__expires_at")
        .values_list("lot__expires_at", flat=True)
        .first()
    )
    now = timezone.now()
    return latest if latest is not None and latest > now else _lot_expiry(now)


def _credit(
    account: PointsAccount,
    *,
    kind: str,
    points: int,
    key: str,
    order_id: int | None = None,
    amount: Decimal | None = None,
    reason: str = "",
    by: User | None = None,
    expires_at: datetime | None = None,
) -> PointsEntry:
    existing = PointsEntry.objects.filter(key=key).first()
    if existing is not None:
        return existing
    return PointsEntry.objects.create(
        account=account,
        kind=kind,
        points=points,
        key=key,
        order_id=order_id,
        amount=amount,
        reason=reason[:255],
        created_by=by,
        expires_at=expires_at or _lot_expiry(),
    )


def _debit(
    account: PointsAccount,
    *,
    kind: str,
    points: int,
    key: str,
    order_id: int | None = None,
    amount: Decimal | None = None,
    reason: str = "",
    by: User | None = None,
) -> PointsEntry:
    """Take `points` from the oldest unexpired lots (the caller checked they hold enough)."""
    existing = PointsEntry.objects.filter(key=key).first()
    if existing is not None:
        return existing
    entry = PointsEntry.objects.create(
        account=account,
        kind=kind,
        points=-points,
        key=key,
        order_id=order_id,
        amount=amount,
        reason=reason[:255],
        created_by=by,
    )
    left = points
    allocations = []
    for lot in points_lots(user_id=account.user_id):
        if left <= 0:
            break
        take = min(left, lot.remaining)
        allocations.append(PointsAllocation(debit=entry, lot=lot, points=take))
        left -= take
    if left > 0:
        raise PointsError(_("Not enough points."))
    PointsAllocation.objects.bulk_create(allocations)
    return entry


__all__ = [
    "PointsError",
    "PointsSummary",
    "customer_spend_12m",
    "loyalty_tier",
    "points_adjust",
    "points_balance",
    "points_earn",
    "points_earned_for_order",
    "points_expire_due",
    "points_for_spend",
    "points_forfeit_all",
    "points_lock",
    "points_lots",
    "points_redeem",
    "points_redeemed_for_order",
    "points_return_redemption",
    "points_reverse_for_refund",
    "points_statement",
    "points_summary",
    "points_value",
    "redeem_limits",
    "redeem_problem",
]
