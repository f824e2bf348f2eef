"""Reads of the risk flags: the staff list, the dashboard's summary and the checkout question."""

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from ..models import RiskFlag

# A flag that counts: still over its threshold and not dismissed by staff.
LIVE = Q(active=True) & ~Q(review=RiskFlag.Review.DISMISSED)


def risk_flags_for_staff() -> QuerySet[RiskFlag]:
    """The staff list: every flag, newest incident first, with the people it names."""
    return RiskFlag.objects.select_related("customer", "reviewed_by").order_by("-last_at", "pk")


def customer_is_flagged(customer_id: int) -> bool:
    """Has this account a live flag of any kind? (payments asks before offering cash on
    delivery; one indexed query.)"""
    return RiskFlag.objects.filter(LIVE, customer_id=customer_id).exists()


def risk_summary(*, rows: int | None = None) -> dict:
    """Live flags counted per kind, and the newest ones, as plain data (two queries).

    `{"total": 3, "by_kind": [{"kind", "label", "count"}…] (every kind, in the choices' order),
    "newest": [{"id", "kind", "label", "customer_id", "email", "address_key", "count",
    "last_at", "review"}…]}`.
    """
    rows = settings.RISK_SUMMARY_ROWS if rows is None else rows
    counts = dict(
        RiskFlag.objects.filter(LIVE).values_list("kind").annotate(n=Count("pk")).order_by()
    )
    by_kind = [
        {"kind": kind.value, "label": str(kind.label), "count": counts.get(kind.value, 0)}
        for kind in RiskFlag.Kind
    ]
    labels = dict(RiskFlag.Kind.choices)
    newest = [
        {**row, "label": str(labels.get(row["kind"], row["kind"]))}
        for row in RiskFlag.objects.filter(LIVE)
        .order_by("-last_at", "pk")
        .values(
            "id",
            "kind",
            "customer_id",
            "email",
            "address_key",
            "count",
            "last_at",
            "review",
        )[:rows]
    ]
    return {"total": sum(counts.values()), "by_kind": by_kind, "newest": newest}
