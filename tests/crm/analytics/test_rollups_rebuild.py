"""Rollups kept up to date by the jobs (run as the generated shop's clock moves: the nightly
job the first 03:00 after each move, the recent job at every move; conftest.run_the_jobs) equal
rollups rebuilt from scratch, row for row in every rollup table."""

from datetime import date

import pytest
import time_machine
from django.forms.models import model_to_dict

from crm.analytics.rollups import analytics_rebuild, analytics_refresh
from crm.analytics.sales import sales_by_day_and_method
from crm.models import (
    CancellationDaily,
    CustomerMonth,
    ProductSalesDaily,
    ProductSalesMonthly,
    SalesDaily,
)

from .data import NOW

pytestmark = pytest.mark.django_db
TABLES = (SalesDaily, CancellationDaily, ProductSalesDaily, ProductSalesMonthly, CustomerMonth)


def rows_of(model) -> list[tuple]:
    rows = [
        tuple(
            sorted((k, v) for k, v in model_to_dict(row).items() if k not in ("id", "computed_at"))
        )
        for row in model.objects.all()
    ]
    return sorted(rows)


def snapshot() -> dict[str, list[tuple]]:
    return {model.__name__: rows_of(model) for model in TABLES}


def test_rollups_kept_by_the_jobs_equal_a_rebuild_from_scratch(analytics_shop_kept_by_jobs):
    kept = snapshot()
    assert len(kept["SalesDaily"]) >= 10 and len(kept["CustomerMonth"]) >= 8
    assert kept["CancellationDaily"] and kept["ProductSalesMonthly"]
    for model in TABLES:
        model.objects.all().delete()
    with time_machine.travel(NOW, tick=False):
        analytics_rebuild()
    assert snapshot() == kept


def test_a_refresh_run_twice_writes_the_same_rows(analytics_shop_kept_by_jobs):
    kept = snapshot()
    with time_machine.travel(NOW, tick=False):
        analytics_refresh(first=date(2026, 3, 27), last=NOW.date())
        analytics_refresh(first=date(2026, 3, 27), last=NOW.date())
    assert snapshot() == kept


def test_today_read_live_equals_today_rolled_up(analytics_shop_kept_by_jobs):
    with time_machine.travel(NOW, tick=False):
        live = sales_by_day_and_method(NOW.date(), NOW.date(), NOW.date())
    rolled = SalesDaily.objects.filter(day=NOW.date())
    fields = ("method", "placed", "accepted", "booked", "booked_vat", "new_orders", "captured")
    assert sorted(tuple(getattr(r, f) for f in fields) for r in live) == sorted(
        tuple(getattr(r, f) for f in fields) for r in rolled
    )
