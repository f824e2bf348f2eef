"""Percentiles of time spans, computed in the database: PostgreSQL's `percentile_cont`, and the
same interpolation in Python on SQLite (the embedded default). Shared by the complaint desk's
report and the analytics dashboard."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, connections
from django.db.models import Aggregate, Count, Expression, F, FloatField, Func, QuerySet


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


def span_percentile_sets(
    rows: QuerySet, *, span: Expression, sets: Sequence[Sequence[str]]
) -> list[dict]:
    """`span_percentiles` of the same rows for each grouping in `sets` (distinct tuples of
    field names; () for all the rows), in one query: PostgreSQL's GROUPING SETS over the rows
    read once; on SQLite the spans read once and grouped here. One {group values: Spread} per
    set, in the order of `sets`."""
    fields = list(dict.fromkeys(name for group in sets for name in group))
    rows = rows.order_by()
    if connection.vendor != "postgresql":
        found: list[dict] = [{} for _group in sets]
        for *values, value in rows.annotate(span_=span).values_list(*fields, "span_"):
            named = dict(zip(fields, values, strict=True))
            for group, spans in zip(sets, found, strict=True):
                key = tuple(named[name] for name in group)
                spans.setdefault(key, []).append(value.total_seconds())
        return [
            {
                key: Spread(len(values), percentile_cont(values, 0.5), percentile_cont(values, 0.9))
                for key, values in spans.items()
            }
            for spans in found
        ]
    aliases = {name: f"g{index}_" for index, name in enumerate(fields)}
    inner = rows.annotate(
        **{alias: F(name) for name, alias in aliases.items()}, seconds_=EpochSeconds(span)
    ).values(*aliases.values(), "seconds_")
    sql, params = inner.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = [quote(alias) for alias in aliases.values()]
    # GROUPING(...) sets a bit (the first column the highest) for each column a row is NOT
    # grouped by: which set the row belongs to.
    masks = {
        sum(
            1 << (len(fields) - 1 - index) for index, name in enumerate(fields) if name not in group
        ): number
        for number, group in enumerate(sets)
    }
    grouping_sets = ", ".join(
        "(" + ", ".join(quote(aliases[name]) for name in group) + ")" for group in sets
    )
    selected = ", ".join(
        [
            *columns,
            f"GROUPING({', '.join(columns)})" if columns else "0",
            "COUNT(*)",
            "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY seconds_)",
            "PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY seconds_)",
        ]
    )
    # Only quoted aliases and the compiled query go in; its params are passed apart.
    query = f"SELECT {selected} FROM ({sql}) AS spans GROUP BY GROUPING SETS ({grouping_sets})"  # noqa: S608
    result: list[dict] = [{} for _group in sets]
    with connections[rows.db].cursor() as cursor:
        cursor.execute(query, params)
        for *values, mask, count, median, p90 in cursor.fetchall():
            if not count:
                continue
            named = dict(zip(fields, values, strict=False))
            number = masks[mask]
            key = tuple(named[name] for name in sets[number])
            result[number][key] = Spread(count, median, p90)
    return result
