"""The analytics dashboard on 100,000 orders (issue 32): the whole page's server time with every
panel computed (cold: no panel cached) and as staff mostly see it (warm), with its SQL
statements; the bar is under one second cold on this 2-core machine.

Part of `make bench` (skip it with BENCH_DASHBOARD=0); alone, in an environment run.sh would
prepare (production settings, PostgreSQL): `python bench/dashboard.py`. It seeds
`BENCH_DASHBOARD_ORDERS` (default 100,000) orders for `BENCH_DASHBOARD_CUSTOMERS` (20,000)
customers once with `seed_orders` (seed 32; a rerun adds nothing; it rebuilds the rollups),
refreshes the RFM groups when the seeding added orders, runs VACUUM ANALYZE, then renders
`/admin/crm/dashboard/` in process BENCH_DASHBOARD_RUNS times (default 7) with the panel cache
emptied before each (cold) and as many times after (warm): median and slowest of each.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    import django

    django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

ORDERS = int(os.environ.get("BENCH_DASHBOARD_ORDERS", "100000"))
CUSTOMERS = int(os.environ.get("BENCH_DASHBOARD_CUSTOMERS", "20000"))
RUNS = int(os.environ.get("BENCH_DASHBOARD_RUNS", "7"))
SEED = 32
LABEL = f"analytics dashboard ({ORDERS:,} orders, {CUSTOMERS:,} customers)"
URL = "/admin/crm/dashboard/"
STAFF = "bench-analytics@dukkan.local"


# BENCH_PAGES' name for this measurement (the page itself, warm, is a staff page of the wrk run).
NAME = "dashboard cold"


def wanted() -> bool:
    pages = [p.strip() for p in os.environ.get("BENCH_PAGES", "").split(",") if p.strip()]
    on = os.environ.get("BENCH_DASHBOARD", "1") not in ("", "0")
    return on and (not pages or NAME in pages or "analytics dashboard" in pages)


def seed() -> dict:
    """The orders (once), then the rollups and RFM groups when orders were added."""
    from django.contrib.auth.models import Permission

    from crm.analytics.rollups import analytics_rebuild, rollup_version
    from crm.bulk_orders import seed_orders
    from crm.segments.rfm import rfm_refresh
    from orders.models import Order, OrderLine
    from payments.models import PaymentEvent
    from shop.models import User

    seeded = seed_orders(orders=ORDERS, customers=CUSTOMERS, seed=SEED)  # rebuilds the rollups
    if not rollup_version():
        analytics_rebuild()
    if seeded.orders:
        rfm_refresh()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    staff, _ = User.objects.get_or_create(email=STAFF, defaults={"is_staff": True})
    staff.user_permissions.add(*Permission.objects.filter(codename="view_analytics"))
    return {
        "orders": Order.objects.count(),
        "lines": OrderLine.objects.count(),
        "ledger_rows": PaymentEvent.objects.count(),
        "customers": User.objects.filter(is_staff=False).count(),
        "added": seeded.orders,
    }


def _empty_panel_cache() -> None:
    from django.core.cache import cache
    from django.utils import timezone, translation

    from crm.analytics.forms import dashboard_period
    from crm.analytics.panels import registered_panels
    from crm.analytics.rollups import rollup_version
    from crm.analytics.selectors import panel_cache_key

    _form, period = dashboard_period({}, today=timezone.localdate())
    version = rollup_version()
    with translation.override("tr"):
        cache.delete_many([panel_cache_key(p, period, version) for p in registered_panels()])


def _render(client: Client) -> float:
    began = time.perf_counter()
    response = client.get(URL)
    took = (time.perf_counter() - began) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{URL} answered {response.status_code}")
    return took


def measure() -> dict:
    from shop.models import User

    started = time.perf_counter()
    data = seed()
    seeded_s = time.perf_counter() - started
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=STAFF))
    _render(client)  # imports, templates and the connection: not the dashboard's cost
    cold, warm = [], []
    for _ in range(RUNS):
        _empty_panel_cache()
        cold.append(_render(client))
    for _ in range(RUNS):
        warm.append(_render(client))
    _empty_panel_cache()
    with CaptureQueriesContext(connection) as queries:
        _render(client)
    return {
        "page": LABEL,
        **data,
        "runs": RUNS,
        "cold_p50_ms": round(statistics.median(cold), 1),
        "cold_max_ms": round(max(cold), 1),
        "warm_p50_ms": round(statistics.median(warm), 1),
        "warm_max_ms": round(max(warm), 1),
        "queries_cold": len(queries),
        "seed_s": round(seeded_s, 1),
        "database": connection.vendor,
    }


def print_row(result: dict) -> None:
    print(
        f"\n{result['page']}: cold (every panel computed) median {result['cold_p50_ms']:.0f} ms,"
        f" slowest {result['cold_max_ms']:.0f} ms; warm median {result['warm_p50_ms']:.0f} ms;"
        f" {result['queries_cold']} SQL statements cold; {result['lines']:,} lines,"
        f" {result['ledger_rows']:,} ledger rows; seeding and rollups took"
        f" {result['seed_s']:.0f} s",
        flush=True,
    )


if __name__ == "__main__":
    print_row(measure())
