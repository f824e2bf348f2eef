"""Churn risk as SQL over the per-customer figures (CustomerStats), shared by the dashboard's
selectors and the segments' `churn_risk` condition, so both count the same customers.

The arithmetic is `crm.analytics.forecast` (gap_seconds, churn_risk, expected_value) in whole
seconds on both databases: timestamps become epoch seconds, and a risk is compared with a
threshold in hundredths by cross-multiplying (no division, no float at the boundary).
"""

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DecimalField,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Greatest, RowNumber
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual

from ..models.stats import CustomerStats
from . import forecast as core

DAY = core.DAY_SECONDS
# Risk thresholds and rule bounds are compared in hundredths, in whole numbers on both databases.
HUNDREDTHS = Decimal("0.01")


class EpochSeconds(Func):
    """A timestamp as whole seconds since 1970 (UTC), the same integer on both databases."""

    output_field = BigIntegerField()

    def as_postgresql(self, compiler: object, connection: object, **extra: object) -> tuple:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(FLOOR(EXTRACT(EPOCH FROM {sql})) AS BIGINT)", params

    def as_sql(self, compiler: object, connection: object, **extra: object) -> tuple:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(unixepoch({sql}) AS INTEGER)", params


class Real(Func):
    """A number SQLite must not divide as an integer; PostgreSQL keeps its exact numeric."""

    output_field = DecimalField(max_digits=30, decimal_places=10)

    def as_postgresql(self, compiler: object, connection: object, **extra: object) -> tuple:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST({sql} AS NUMERIC)", params

    def as_sql(self, compiler: object, connection: object, **extra: object) -> tuple:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST({sql} AS REAL)", params


def _epoch(moment: datetime) -> int:
    return math.floor(moment.timestamp())


def hundredths(value: Decimal) -> int:
    """A threshold in whole hundredths (1.5 → 150), rounded half-up."""
    return int((Decimal(value) / HUNDREDTHS).to_integral_value(rounding=ROUND_HALF_UP))


def overdue_risk() -> Decimal:
    """The churn risk from which a customer counts as overdue (ANALYTICS_OVERDUE_RISK)."""
    return Decimal(str(settings.ANALYTICS_OVERDUE_RISK)).quantize(HUNDREDTHS)


# --- Churn risk in SQL -------------------------------------------------------------------------


@dataclass(frozen=True)
class Rhythm:
    """A customer's risk as SQL over their figures (CustomerStats, reached through `prefix`):
    risk = elapsed × per ÷ gap, where gap ÷ per is the usual gap in seconds."""

    elapsed: object  # seconds since the last order
    span: object  # seconds from the first order to the last
    gap: object  # the usual gap × per (seconds)
    per: object  # orders − 1, or 1 for the shop's typical gap
    has_risk: Q  # customers with a risk at all: an order, and its time known


def rhythm(*, now: datetime, typical_gap_seconds: int, prefix: str = "") -> Rhythm:
    """The churn-risk parts for customer figures at `prefix` ("" on CustomerStats,
    "customer_stats__" on User); see forecast.gap_seconds and forecast.churn_risk."""
    orders = F(f"{prefix}orders_count")
    last = EpochSeconds(f"{prefix}last_order_at")
    span = last - EpochSeconds(f"{prefix}first_order_at")
    repeat = Q(**{f"{prefix}orders_count__gte": 2, f"{prefix}first_order_at__isnull": False})
    gap = Case(
        When(repeat, then=Greatest(span, (orders - 1) * DAY, output_field=BigIntegerField())),
        default=Value(typical_gap_seconds),
        output_field=BigIntegerField(),
    )
    per = Case(When(repeat, then=orders - 1), default=Value(1), output_field=BigIntegerField())
    has_risk = Q(**{f"{prefix}orders_count__gte": 1, f"{prefix}last_order_at__isnull": False})
    return Rhythm(elapsed=Value(_epoch(now)) - last, span=span, gap=gap, per=per, has_risk=has_risk)


def risk_at_least(parts: Rhythm, threshold: Decimal) -> Q:
    """risk ≥ threshold, exactly: 100 × elapsed × per ≥ threshold in hundredths × gap."""
    return parts.has_risk & Q(
        GreaterThanOrEqual(parts.elapsed * parts.per * 100, parts.gap * hundredths(threshold))
    )


def risk_at_most(parts: Rhythm, threshold: Decimal) -> Q:
    return parts.has_risk & Q(
        LessThanOrEqual(parts.elapsed * parts.per * 100, parts.gap * hundredths(threshold))
    )


def risk_order(parts: Rhythm) -> object:
    return Cast(parts.elapsed * parts.per, FloatField()) / parts.gap


def future_value(parts: Rhythm, prefix: str = "") -> object:
    """The next 12 months' expected value (forecast.expected_value less the lifetime value):
    value × 365 days × per ÷ (orders × max(gap, elapsed × per))."""
    value = F(f"{prefix}lifetime_value")
    wait = Greatest(parts.gap, parts.elapsed * parts.per, output_field=BigIntegerField())
    return Case(
        When(
            Q(**{f"{prefix}lifetime_value__gt": 0}) & parts.has_risk,
            then=Real(value)
            * (core.YEAR_DAYS * DAY)
            * parts.per
            / (F(f"{prefix}orders_count") * wait),
        ),
        default=Value(Decimal(0)),
        output_field=DecimalField(max_digits=30, decimal_places=10),
    )


def members() -> QuerySet[CustomerStats]:
    """Figures of the customers a segment can hold: active accounts that are not staff."""
    return CustomerStats.objects.filter(user__is_active=True, user__is_staff=False)


def typical_gap_seconds() -> int:
    """The shop's typical gap: the median usual gap of members with two orders or more, to the
    second (one query: the one or two middle rows by a window); nobody repeat:
    ANALYTICS_FALLBACK_GAP_DAYS."""
    orders = F("orders_count")
    last, first = EpochSeconds("last_order_at"), EpochSeconds("first_order_at")
    middle = (
        members()
        .filter(orders_count__gte=2, first_order_at__isnull=False, last_order_at__isnull=False)
        .annotate(
            gap=Greatest(last - first, (orders - 1) * DAY, output_field=BigIntegerField()),
            per=orders - 1,
            rank=Window(
                RowNumber(),
                order_by=[(Cast(F("gap"), FloatField()) / F("per")).asc(), F("pk").asc()],
            ),
            total=Window(Count("pk")),
        )
        .filter(rank__gte=(F("total") + 1) / 2, rank__lte=F("total") / 2 + 1)
        .values_list("gap", "per")
    )
    found = core.median([Decimal(gap) / per for gap, per in middle])
    if found is None:
        return settings.ANALYTICS_FALLBACK_GAP_DAYS * DAY
    return core.whole_seconds(found)


TYPICAL_GAP_KEY = "analytics:typical-gap-seconds"


def shared_typical_gap_seconds() -> int:
    """typical_gap_seconds() for the dashboard's panels, computed once and kept
    ANALYTICS_LIVE_CACHE_SECONDS (as long as the live panels that read it are kept), so the
    churn and lifetime value panels of one page do not each sort every repeat customer."""
    found = cache.get(TYPICAL_GAP_KEY)
    if found is None:
        found = typical_gap_seconds()
        cache.set(TYPICAL_GAP_KEY, found, settings.ANALYTICS_LIVE_CACHE_SECONDS)
    return found
