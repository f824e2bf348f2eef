"""Loyalty points, the reads: the lots and the balance they make, the statement, the tier a
customer's 12-month spend reaches, and the pure rules of earning and redeeming. The writes are
in payments/services/points.py."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal

from django.conf import settings
from django.db.models import F, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.money import ZERO, to_money

from ..models import LoyaltyTier, Payment, PaymentPurpose, PointsEntry, Refund
from ..states import PaymentStatus

Kind = PointsEntry.Kind


def points_lots(*, user_id: int, now: datetime | None = None) -> QuerySet[PointsEntry]:
    """The customer's unexpired credit lots with points left (`remaining`), oldest expiry first."""
    now = now or timezone.now()
    return (
        PointsEntry.objects.filter(account__user_id=user_id, points__gt=0, expires_at__gt=now)
        .annotate(used=Coalesce(Sum("consumed_by__points"), 0))
        .annotate(remaining=F("points") - F("used"))
        .filter(remaining__gt=0)
        .order_by("expires_at", "pk")
    )


def points_balance(*, user_id: int, now: datetime | None = None) -> int:
    """The points the customer may spend now: what is left in their unexpired lots."""
    return sum(lot.remaining for lot in points_lots(user_id=user_id, now=now))


@dataclass(frozen=True)
class PointsSummary:
    balance: int
    next_expiry_points: int = 0
    next_expiry_at: datetime | None = None


def points_summary(*, user_id: int, now: datetime | None = None) -> PointsSummary:
    """The balance and the next lot to expire (points and when), in one query."""
    lots = list(points_lots(user_id=user_id, now=now))
    if not lots:
        return PointsSummary(0)
    first = lots[0].expires_at
    due = sum(lot.remaining for lot in lots if lot.expires_at == first)
    return PointsSummary(sum(lot.remaining for lot in lots), due, first)


def points_statement(*, user_id: int) -> QuerySet[PointsEntry]:
    """Every movement of the customer's points, newest first (the account page, the export)."""
    return PointsEntry.objects.filter(account__user_id=user_id).order_by("-created_at", "-pk")


def points_of_order(*, order_id: int, kind: str) -> int:
    """The sum of one kind of an order's points entries (signed as written)."""
    total = PointsEntry.objects.filter(order_id=order_id, kind=kind).aggregate(t=Sum("points"))
    return total["t"] or 0


def points_earned_for_order(*, order_id: int) -> int:
    return points_of_order(order_id=order_id, kind=Kind.EARNED)


def points_redeemed_for_order(*, order_id: int) -> int:
    return -points_of_order(order_id=order_id, kind=Kind.REDEEMED)


def points_value(points: int) -> Decimal:
    """What so many points take off the items at checkout."""
    return to_money(Decimal(points) * Decimal(settings.LOYALTY_POINT_VALUE))


def customer_spend_12m(*, user_id: int, now: datetime | None = None) -> Decimal:
    """What the customer paid for orders in the last 12 months, less what was refunded."""
    since = (now or timezone.now()) - timedelta(days=365)
    payments = Payment.objects.filter(
        user_id=user_id,
        purpose=PaymentPurpose.ORDER,
        created_at__gte=since,
        status__in=(PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED),
    )
    paid = payments.aggregate(total=Sum("amount"))["total"] or ZERO
    refunded = (
        Refund.objects.filter(payment__in=payments, status=Refund.Status.SUCCEEDED).aggregate(
            total=Sum("amount")
        )["total"]
        or ZERO
    )
    return to_money(paid - refunded)


def loyalty_tier(*, user_id: int | None, now: datetime | None = None) -> LoyaltyTier | None:
    """The highest tier the customer's 12-month spend reaches (None: no tier, or a guest)."""
    if user_id is None:
        return None
    tiers = list(LoyaltyTier.objects.all())
    if not tiers:
        return None
    spend = customer_spend_12m(user_id=user_id, now=now)
    reached = [tier for tier in tiers if tier.min_spend <= spend]
    return max(reached, key=lambda tier: tier.min_spend) if reached else None


def points_for_spend(amount: Decimal, *, multiplier: Decimal = Decimal(1)) -> int:
    """Whole points for money spent: amount × points per TRY × the tier multiplier, rounded down."""
    if amount <= 0:
        return 0
    raw = Decimal(amount) * Decimal(settings.LOYALTY_POINTS_PER_TRY) * multiplier
    return int(raw.to_integral_value(rounding=ROUND_FLOOR))


def redeem_limits(*, items_total: Decimal) -> tuple[int, int]:
    """(minimum, maximum) points one order may redeem against items worth `items_total`."""
    value = Decimal(settings.LOYALTY_POINT_VALUE)
    cap = to_money(Decimal(items_total) * Decimal(settings.LOYALTY_REDEEM_MAX_SHARE))
    most = int((cap / value).to_integral_value(rounding=ROUND_FLOOR)) if value > 0 else 0
    return settings.LOYALTY_REDEEM_MIN_POINTS, max(most, 0)


def redeem_problem(*, points: int, held: int, items_total: Decimal) -> str:
    """Why `points` cannot be redeemed on this basket ("" when they can), for the shopper."""
    if points <= 0:
        return ""
    least, most = redeem_limits(items_total=items_total)
    if points > held:
        return _("You have %(held)s points; you cannot use %(points)s.") % {
            "held": held,
            "points": points,
        }
    if points < least:
        return _("Use at least %(least)s points at a time.") % {"least": least}
    if points > most:
        return _("This basket takes at most %(most)s points.") % {"most": most}
    return ""
