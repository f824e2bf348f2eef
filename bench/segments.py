"""Segment counts on 100,000 customers (issue 31): opt-in, because seeding them takes minutes.

`BENCH_SEGMENTS=1 bash bench/run.sh` adds the row to the page run (and to `--check`); alone,
in an environment run.sh would prepare (production settings, PostgreSQL):
`python bench/segments.py`. It seeds `BENCH_SEGMENT_CUSTOMERS` (default 100,000) customers once
(`seed_customers`, the accounts `seed_orders` uses) with a profile (birth date, gender, city),
a per-customer figures row (orders, value, last order, 12-month spend; written directly: no
orders behind them, which only the counting needs) and email/SMS consents, runs VACUUM ANALYZE,
then
times `segment_count` of a three-rule segment in process, BENCH_SEGMENT_RUNS times (default 30,
after three warm-up counts): median and slowest, with its SQL statements (one). Also times one
`rfm_refresh` over the same rows. The bar is "well under 100 ms" for the count.
"""

import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    import django

    django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

CUSTOMERS = int(os.environ.get("BENCH_SEGMENT_CUSTOMERS", "100000"))
RUNS = int(os.environ.get("BENCH_SEGMENT_RUNS", "30"))
BATCH = 5000
LABEL = f"segment count (3 rules, {CUSTOMERS:,} customers)"
RULES = {
    "match": "all",
    "rules": [
        {"field": "age", "min": 25, "max": 40},
        {"field": "consent", "channel": "email"},
        {"field": "orders_count", "min": 2},
    ],
}


def wanted() -> bool:
    return os.environ.get("BENCH_SEGMENTS", "") not in ("", "0")


def seed(count: int = CUSTOMERS) -> list[int]:
    """The customers with everything a segment reads (idempotent: only the missing rows)."""
    from crm.bulk_orders import seed_customers
    from crm.models import CustomerProfile, CustomerStats
    from crm.notifications.models import ConsentCurrent
    from shop.models import User

    ids = seed_customers(count)
    now = timezone.now()
    seeded = CustomerProfile.objects.filter(user__email__startswith="seed-customer-")
    have = set(seeded.values_list("user_id", flat=True))
    cities = ["34", "06", "35", "16", "07", "01", "42", "27"]
    for start in range(0, len(ids), BATCH):
        profiles, stats, consents = [], [], []
        for user_id in ids[start : start + BATCH]:
            if user_id in have:
                continue
            rng = random.Random(user_id)  # benchmark data, not security
            profiles.append(
                CustomerProfile(
                    user_id=user_id,
                    birth_date=date(1950, 1, 1) + timedelta(days=rng.randint(0, 20000)),
                    gender=rng.choice(["female", "male", "other", ""]),
                    city=rng.choice(cities),
                )
            )
            orders = rng.choice([0, 0, 1, 1, 1, 2, 2, 3, 4, 6, 11])
            value = (Decimal(rng.randint(100, 40000)) * orders / 4).quantize(Decimal("0.01"))
            stats.append(
                CustomerStats(
                    user_id=user_id,
                    orders_count=orders,
                    lifetime_value=value,
                    spend_12m=(value / 2).quantize(Decimal("0.01")),
                    last_order_at=now - timedelta(hours=rng.randint(1, 24 * 700))
                    if orders
                    else None,
                    first_order_at=now - timedelta(days=720) if orders else None,
                    rfm_group="",
                )
            )
            for channel in ("email", "sms"):
                if rng.random() < 0.6:
                    consents.append(
                        ConsentCurrent(
                            user_id=user_id,
                            channel=channel,
                            granted=rng.random() < 0.75,
                            source="signup",
                        )
                    )
        with transaction.atomic():
            CustomerProfile.objects.bulk_create(profiles, ignore_conflicts=True)
            CustomerStats.objects.bulk_create(stats, ignore_conflicts=True)
            ConsentCurrent.objects.bulk_create(consents, ignore_conflicts=True)
    # As run.sh does for the catalog: fresh planner statistics and a visibility map (so the
    # covering indexes give index-only scans), as autovacuum would leave them.
    with connection.cursor() as cursor:
        for model in (CustomerProfile, CustomerStats, ConsentCurrent, User):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return ids


def measure() -> dict:
    """Seed (once), then time the count and one RFM pass; returns the result for the report."""
    from crm.segments.rfm import rfm_refresh
    from crm.segments.rules import rules_clean
    from crm.segments.selectors import segment_count

    started = time.perf_counter()
    seed()
    seeded_s = time.perf_counter() - started
    rules = rules_clean(RULES)
    for _ in range(3):
        members = segment_count(rules)
    timings = []
    for _ in range(RUNS):
        began = time.perf_counter()
        segment_count(rules)
        timings.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as queries:
        segment_count(rules)
    began = time.perf_counter()
    scored = rfm_refresh()
    rfm_ms = (time.perf_counter() - began) * 1000
    return {
        "page": LABEL,
        "customers": CUSTOMERS,
        "members": members,
        "rules": RULES,
        "runs": RUNS,
        "p50_ms": round(statistics.median(timings), 2),
        "max_ms": round(max(timings), 2),
        "queries": len(queries),
        "rfm_refresh_ms": round(rfm_ms, 1),
        "rfm_scored": scored,
        "seed_s": round(seeded_s, 1),
        "database": connection.vendor,
    }


def print_row(result: dict) -> None:
    print(
        f"\n{result['page']}: median {result['p50_ms']:.1f} ms, slowest {result['max_ms']:.1f} ms"
        f" of {result['runs']}, {result['queries']} SQL statement(s), {result['members']:,}"
        f" members; rfm_refresh over them {result['rfm_refresh_ms']:.0f} ms"
        f" ({result['rfm_scored']:,} scored); seeding took {result['seed_s']:.0f} s",
        flush=True,
    )


if __name__ == "__main__":
    print_row(measure())
