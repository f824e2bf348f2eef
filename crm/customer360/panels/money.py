"""The customer's money with the shop: the prepaid balance, the open tab, loyalty points."""

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from payments.models import BalanceEntry, Payment, PaymentPurpose, PointsEntry, Tab
from payments.selectors import left_on_tab
from payments.services.points import loyalty_tier, points_summary
from payments.states import PaymentStatus
from shop.models import User
from shop.money import ZERO, to_money

from ...registry import Rows

# --- money: balance and the open tab ------------------------------------------------------------


def balance(user: User, limit: int) -> Rows:
    """The prepaid balance (a sum of its entries) and its latest entries."""
    entries = BalanceEntry.objects.filter(account__user_id=user.pk)
    total = entries.aggregate(total=Sum("amount"))["total"]
    latest = list(
        entries.only("kind", "amount", "currency", "reason", "created_at").order_by(
            "-created_at", "-pk"
        )[:limit]
    )
    return {"balance": to_money(total or ZERO), "entries": latest}


def tab(user: User, limit: int) -> Rows:
    """The tab not paid yet, with what it holds (its order payments still on it), in one query."""
    money = DecimalField(max_digits=12, decimal_places=2)
    held = (
        Payment.objects.filter(
            tab=OuterRef("pk"), purpose=PaymentPurpose.ORDER, status=PaymentStatus.ON_TAB
        )
        .values("tab")
        .annotate(total=Sum(left_on_tab()))
        .values("total")
    )
    current = (
        Tab.objects.filter(user_id=user.pk)
        .exclude(status=Tab.Status.SETTLED)
        .only("status", "currency", "opened_at", "settle_attempts", "last_error")
        .annotate(
            held=Coalesce(Subquery(held, output_field=money), Value(ZERO), output_field=money)
        )
        .first()
    )
    if current is not None:
        current.held = to_money(current.held)
    return {"tab": current}


def points(user: User, limit: int) -> Rows:
    """Loyalty points held, the next lot to expire, the tier, and the latest movements (three or
    four queries whatever the history: the lots, the movements, the tiers and the spend)."""
    latest = list(
        PointsEntry.objects.filter(account__user_id=user.pk)
        .only("kind", "points", "reason", "created_at", "expires_at")
        .order_by("-created_at", "-pk")[:limit]
    )
    return {
        "summary": points_summary(user_id=user.pk),
        "tier": loyalty_tier(user_id=user.pk),
        "entries": latest,
    }
