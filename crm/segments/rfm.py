"""RFM scores and groups on the per-customer figures, recomputed set-based (docs/rfm.md).

Recency (the last counted order) and monetary value (`lifetime_value`) are quintiles over the
customers with at least one counted order: `NTILE(5)` in the database, 5 = most recent /
highest value; ties are split by account id, so a run is repeatable. Frequency is in fixed bins
of counted orders (1, 2, 3–4, 5–9, 10+ → 1..5): most customers order once or twice, so its
quintiles would mean nothing. The group comes from the R×F table below (`GROUP_TABLE`). Two
statements (score, clear), both on PostgreSQL and SQLite; running twice gives the same scores.
"""

from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from shop.models import User

from ..models import CustomerStats
from ..models.stats import RfmGroup

# Upper bound of each frequency bin (orders), score 1..5 in order; above the last: 5.
FREQUENCY_BINS = (1, 2, 4, 9)

# (group, recency scores, frequency scores): every (R, F) pair appears exactly once.
GROUP_TABLE: tuple[tuple[str, tuple[int, ...], tuple[int, ...]], ...] = (
    (RfmGroup.CHAMPIONS, (5,), (4, 5)),
    (RfmGroup.LOYAL, (3, 4), (4, 5)),
    (RfmGroup.POTENTIAL, (4, 5), (2, 3)),
    (RfmGroup.POTENTIAL, (3,), (3,)),
    (RfmGroup.NEW, (4, 5), (1,)),
    (RfmGroup.AT_RISK, (1, 2), (3, 4)),
    (RfmGroup.CANNOT_LOSE, (1, 2), (5,)),
    (RfmGroup.HIBERNATING, (2, 3), (1, 2)),
    (RfmGroup.LOST, (1,), (1, 2)),
)


def rfm_group_of(recency: int, frequency: int) -> str:
    """The group of one (R, F) pair, from `GROUP_TABLE`."""
    for group, recencies, frequencies in GROUP_TABLE:
        if recency in recencies and frequency in frequencies:
            return str(group)
    raise ValueError(f"no RFM group for R={recency} F={frequency}")


def frequency_score(orders: int) -> int:
    """The fixed bin of a number of counted orders (1 or more)."""
    return 1 + sum(orders > bound for bound in FREQUENCY_BINS)


def _case(pairs: list[tuple[str, str]]) -> str:
    return "CASE " + " ".join(f"WHEN {when} THEN {then}" for when, then in pairs) + " END"


def _score_sql() -> str:
    q = connection.ops.quote_name
    stats, users = q(CustomerStats._meta.db_table), q(User._meta.db_table)
    frequency = _case(
        [
            (f"s.orders_count <= {bound}", str(score))
            for score, bound in enumerate(FREQUENCY_BINS, 1)
        ]
        + [("1 = 1", str(len(FREQUENCY_BINS) + 1))]
    )
    group = _case(
        [
            (
                f"r.recency IN ({', '.join(map(str, rs))}) "
                f"AND r.frequency IN ({', '.join(map(str, fs))})",
                f"'{group.value}'",
            )
            for group, rs, fs in GROUP_TABLE
        ]
    )
    return f"""
        UPDATE {stats} SET
            rfm_recency = r.recency, rfm_frequency = r.frequency, rfm_monetary = r.monetary,
            rfm_group = {group}, rfm_at = %(now)s
        FROM (
            SELECT s.user_id,
                   NTILE(5) OVER (ORDER BY s.last_order_at, s.user_id) AS recency,
                   NTILE(5) OVER (ORDER BY s.lifetime_value, s.user_id) AS monetary,
                   {frequency} AS frequency
            FROM {stats} s JOIN {users} u ON u.id = s.user_id
            WHERE s.orders_count > 0 AND s.last_order_at IS NOT NULL AND u.is_active
        ) r
        WHERE {stats}.user_id = r.user_id
    """  # noqa: S608 - names from the models, numbers and group names from this module


def _clear_sql() -> str:
    q = connection.ops.quote_name
    stats, users = q(CustomerStats._meta.db_table), q(User._meta.db_table)
    return f"""
        UPDATE {stats} SET rfm_recency = NULL, rfm_frequency = NULL, rfm_monetary = NULL,
                           rfm_group = '', rfm_at = NULL
        WHERE (orders_count = 0 OR last_order_at IS NULL
               OR user_id IN (SELECT id FROM {users} WHERE NOT is_active))
          AND (rfm_group <> '' OR rfm_recency IS NOT NULL)
    """  # noqa: S608 - names from the models


def rfm_refresh(*, now: datetime | None = None) -> int:
    """Score every customer with a counted order and clear everyone else; returns the rows
    scored. Reads `CustomerStats` as it is: refresh the figures first for today's orders."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_clear_sql())
        cursor.execute(_score_sql(), {"now": now or timezone.now()})
        return max(cursor.rowcount, 0)
