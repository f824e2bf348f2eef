"""Percentiles of time spans, computed in the database: PostgreSQL's `percentile_cont`, and the
same interpolation in Python on SQLite (the embedded default). Shared by the complaint desk's
report and the analytics dashboard."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Aggregate, Count, Expression, FloatField, Func, QuerySet


def percentile_cont(values: Sequence[float], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont: linear interpolation between the two nearest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class PercentileCont(Aggregate):
    """percentile_cont(fraction) WITHIN GROUP (ORDER BY value) — PostgreSQL only."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False

    def __init__(self, expression: object, *, fraction: float, **extra: object) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


class EpochSeconds(Func):
    """The seconds in an interval — PostgreSQL only."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class Spread:
    """How many spans, and their median and 90th percentile in seconds (None without any)."""

    count: int
    median: float | None
    p90: float | None


def span_percentiles(rows: QuerySet, *, span: Expression, by: Sequence[str] = ()) -> dict:
    """{group values (a tuple of `by`'s fields): Spread} of the duration `span` over `rows`, in
    one query. PostgreSQL groups and interpolates; SQLite reads the spans and Python does."""
    rows = rows.annotate(span_=span).order_by()
    if connection.vendor == "postgresql":
        seconds = EpochSeconds("span_")
        figures = {"count_": Count("pk"), "median_": PercentileCont(seconds, fraction=0.5)}
        figures["p90_"] = PercentileCont(seconds, fraction=0.9)
        found = rows.values(*by).annotate(**figures) if by else [rows.aggregate(**figures)]
        return {
            tuple(row[name] for name in by): Spread(row["count_"], row["median_"], row["p90_"])
            for row in found
            if row["count_"]
        }
    spans: dict[tuple, list[float]] = {}
    for *key, value in rows.values_list(*by, "span_"):
        spans.setdefault(tuple(key), []).append(value.total_seconds())
    return {
        key: Spread(len(values), percentile_cont(values, 0.5), percentile_cont(values, 0.9))
        for key, values in spans.items()
    }
