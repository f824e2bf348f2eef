"""Recompute every product's "also bought" list, set-based in SQL, writing only what changed.

The measure (docs/recommendations.md): for a product A and another product B, the orders with
both ÷ √(orders with A × orders with B), the cosine of their order sets. Within A's list this
ranks B by orders together ÷ √(orders with B): a very popular B needs proportionally more shared
orders to come first, so the list says "goes with A" rather than "sells a lot", without the
lift measure's habit of crowning two items bought once, together. Ties: more orders together
first, then the older product. Lists keep the top `KEPT` active products; a list shorter than
that is filled with the product's category best sellers (units sold, catalog's rollup, score 0).
Stock is checked when a list is shown, so a product back in stock returns without a rerun.
"""

from dataclasses import dataclass

from django.db import connection, transaction

from catalog import recommendations as catalog_lists
from catalog.models import Product, ProductStatus
from catalog.services import product_page_versions
from orders.states import OrderStatus
from shop import pagecache

from ..models import BoughtTogether, PairSource

KEPT = 20  # places on each product's list
# Orders that count as bought: accepted by their payment method (left pending_payment) and not
# cancelled or returned as a whole.
NOT_BOUGHT = (OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED, OrderStatus.RETURNED)
FRESH = "crm_bought_together_fresh"  # the temporary table of one run
CHUNK = 5000  # products rewritten per statement (well under the drivers' parameter limits)


def _fresh_sql(table: str) -> tuple[str, list]:
    """CREATE TEMPORARY TABLE `table` with every product's new list (PostgreSQL and SQLite)."""
    sql = f"""
    CREATE TEMPORARY TABLE {table} AS
    WITH baskets AS (
        SELECT DISTINCT line.order_id, line.product_id
        FROM orders_orderline line JOIN orders_order o ON o.id = line.order_id
        WHERE o.status NOT IN (%s, %s, %s)
    ),
    counts AS (SELECT product_id, COUNT(*) AS n FROM baskets GROUP BY product_id),
    pairs AS (
        SELECT a.product_id, b.product_id AS other_id, COUNT(*) AS together
        FROM baskets a JOIN baskets b ON b.order_id = a.order_id AND b.product_id <> a.product_id
        GROUP BY a.product_id, b.product_id
    ),
    scored AS (
        SELECT pairs.product_id, pairs.other_id, pairs.together,
               CAST(pairs.together / SQRT(1.0 * ca.n * cb.n) AS DOUBLE PRECISION) AS score
        FROM pairs
        JOIN counts ca ON ca.product_id = pairs.product_id
        JOIN counts cb ON cb.product_id = pairs.other_id
        JOIN catalog_product other ON other.id = pairs.other_id AND other.status = %s
    ),
    ranked AS (
        SELECT scored.*, ROW_NUMBER() OVER (
            PARTITION BY product_id ORDER BY score DESC, together DESC, other_id
        ) AS position
        FROM scored
    ),
    kept AS (SELECT * FROM ranked WHERE position <= {KEPT}),
    sizes AS (SELECT product_id, COUNT(*) AS size FROM kept GROUP BY product_id),
    sellers AS (
        SELECT id AS other_id, category_id, ROW_NUMBER() OVER (
            PARTITION BY category_id ORDER BY units_sold DESC, id
        ) AS place
        FROM catalog_product WHERE status = %s AND units_sold > 0
    ),
    fill AS (
        SELECT p.id AS product_id, s.other_id, ROW_NUMBER() OVER (
            PARTITION BY p.id ORDER BY s.place
        ) AS place
        FROM catalog_product p
        JOIN sellers s ON s.category_id = p.category_id AND s.other_id <> p.id
             AND s.place <= {KEPT + 1}
        WHERE p.status = %s AND NOT EXISTS (
            SELECT 1 FROM kept k WHERE k.product_id = p.id AND k.other_id = s.other_id
        )
    )
    SELECT product_id, other_id, together AS orders_together, score, position, %s AS source
    FROM kept
    UNION ALL
    SELECT fill.product_id, fill.other_id, 0, 0.0, COALESCE(sizes.size, 0) + fill.place, %s
    FROM fill LEFT JOIN sizes ON sizes.product_id = fill.product_id
    WHERE COALESCE(sizes.size, 0) + fill.place <= {KEPT}
    """  # noqa: S608 - names and numbers from this module, values passed as parameters
    active = ProductStatus.ACTIVE.value
    params = [*(str(s) for s in NOT_BOUGHT), active, active, active]
    return sql, [*params, PairSource.BOUGHT.value, PairSource.CATEGORY.value]


def _changed(table: str, columns: tuple[str, ...]) -> set[int]:
    """Products whose rows differ between the stored lists and the fresh ones in `columns`."""
    stored = BoughtTogether._meta.db_table
    same = " AND ".join(f"x.{c} = y.{c}" for c in ("product_id", *columns))
    sql = f"""
        SELECT x.product_id FROM {table} x
        WHERE NOT EXISTS (SELECT 1 FROM {stored} y WHERE {same})
        UNION
        SELECT x.product_id FROM {stored} x
        WHERE NOT EXISTS (SELECT 1 FROM {table} y WHERE {same})
    """  # noqa: S608 - names from this module and the model
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {row[0] for row in cursor.fetchall()}


@dataclass(frozen=True)
class RefreshResult:
    rewritten: int  # products whose rows were rewritten (a score or a place changed)
    pages: int  # products whose shown list changed: their pages' versions bumped


def bought_together_refresh() -> RefreshResult:
    """Recompute every list; rewrite only products whose rows changed and bump the pages of
    those whose list (which product at which place) changed. A second run changes nothing."""
    sql, params = _fresh_sql(FRESH)
    columns = "product_id, other_id, position, score, orders_together, source"
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # One run at a time (beat and a manual run): the second waits, then finds no change.
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [FRESH])
            cursor.execute(f"DROP TABLE IF EXISTS {FRESH}")
            cursor.execute(sql, params)  # rolled back with the rest should anything fail
            rewritten = _changed(FRESH, ("other_id", "position", "score", "orders_together"))
            shown = _changed(FRESH, ("other_id", "position")) & rewritten
            ids = sorted(rewritten)
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                BoughtTogether.objects.filter(product_id__in=chunk).delete()
                marks = ", ".join(["%s"] * len(chunk))
                stored = BoughtTogether._meta.db_table
                insert = f"INSERT INTO {stored} ({columns}) SELECT {columns} FROM {FRESH}"  # noqa: S608
                cursor.execute(f"{insert} WHERE product_id IN ({marks})", chunk)
            cursor.execute(f"DROP TABLE {FRESH}")
        shown_ids = sorted(shown)
        if shown_ids:  # the lists each worker keeps (the cart's) are no longer current
            pagecache.bump(catalog_lists.VERSION)
        for start in range(0, len(shown_ids), CHUNK):
            pages = Product.objects.filter(pk__in=shown_ids[start : start + CHUNK])
            pages = pages.only("slug_tr", "slug_en")
            pagecache.bump(*(name for product in pages for name in product_page_versions(product)))
    return RefreshResult(rewritten=len(rewritten), pages=len(shown))
