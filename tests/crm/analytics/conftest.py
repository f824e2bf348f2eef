"""The generated shop (tests/crm/analytics/data.py), made once per module that asks for it; for
the rollups' test, with the rollup jobs run as the clock moves, as beat would run them."""

from collections.abc import Iterator
from datetime import datetime

import pytest
import time_machine

from crm.analytics.rollups import (
    analytics_rebuild,
    analytics_refresh_nightly,
    analytics_refresh_recent,
)
from tests.factories import seeded_for_module

from .data import NOW, GeneratedShop, day_moves, generate


def run_the_jobs(previous: datetime, now: datetime) -> None:
    """The jobs as beat runs them between two moves of the clock: the nightly job at the first
    03:00 after `previous` (its later runs before `now` see nothing new and write the same
    rows, which test_a_refresh_run_twice_writes_the_same_rows checks), then the recent job."""
    runs = day_moves(previous, now)
    if runs:
        with time_machine.travel(runs[0], tick=False):
            analytics_refresh_nightly()
    analytics_refresh_recent()


def _made_once(django_db_blocker, make) -> Iterator[GeneratedShop]:
    made: list[GeneratedShop] = []
    with seeded_for_module(django_db_blocker, lambda: made.append(make())):
        yield made[0]


@pytest.fixture(scope="module")
def analytics_shop(
    django_db_setup, django_db_blocker, fake_stripe_server
) -> Iterator[GeneratedShop]:
    """The generated shop, rolled back at the module's end; its rollups rebuilt at the end."""

    def make() -> GeneratedShop:
        shop = generate(stripe_url=fake_stripe_server)
        with time_machine.travel(NOW, tick=False):
            analytics_rebuild()
        return shop

    yield from _made_once(django_db_blocker, make)


@pytest.fixture(scope="module")
def analytics_shop_kept_by_jobs(
    django_db_setup, django_db_blocker, fake_stripe_server
) -> Iterator[GeneratedShop]:
    """The generated shop with its rollups kept by the jobs only (never rebuilt)."""
    yield from _made_once(
        django_db_blocker, lambda: generate(stripe_url=fake_stripe_server, on_time=run_the_jobs)
    )


@pytest.fixture
def at_now(db) -> Iterator[None]:
    """The clock at the generated shop's "now" (Tuesday 12 May 2026, 15:00 in Istanbul)."""
    with time_machine.travel(NOW, tick=False):
        yield
