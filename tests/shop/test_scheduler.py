"""`make run` runs the periodic jobs in-process: each due job once, with beat's timings."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import Order
from shop.celery import app
from shop.scheduler import PeriodicJobs
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant

runs: list[str] = []


@app.task(name="tests.count_periodic_run")
def count_periodic_run() -> None:
    runs.append("ran")


def test_a_job_runs_once_when_due_and_again_one_interval_later():
    runs.clear()
    start = app.now()
    jobs = PeriodicJobs(
        app=app,
        beat_schedule={"count": {"task": "tests.count_periodic_run", "schedule": 10}},
        now=start,
    )
    assert jobs.run_due(now=start + timedelta(seconds=5))[0] == []
    assert jobs.run_due(now=start + timedelta(seconds=10))[0] == ["count"]
    assert jobs.run_due(now=start + timedelta(seconds=12))[0] == []
    assert runs == ["ran"]
    assert jobs.run_due(now=start + timedelta(seconds=21))[0] == ["count"]
    assert runs == ["ran", "ran"]


@pytest.mark.django_db
def test_the_shops_schedule_expires_an_unpaid_order_when_its_job_falls_due(settings):
    shipping_setup()
    order = place(cart_with((stocked_variant(), 1)))
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    app.loader.import_default_modules()
    start = app.now()
    jobs = PeriodicJobs(app=app, beat_schedule=app.conf.beat_schedule, now=start)
    assert set(jobs.jobs) == {
        "relay-messages",
        "expire-unpaid-orders",
        "delete-stale-carts",
        "reconcile-card-payments",
        "remind-unpaid-orders",
        "rollup-units-sold",
        "poll-carriers",
        "watch-promises",
        "refresh-promise-pages",
        "clear-echecks",
        "refresh-sale-listings",
        "settle-tabs",
        "prune-search-misses",
        "expire-unconfirmed-questions",
        "process-lost-stripe-events",
        "resend-refunds",
        "start-lost-payments",
        "refresh-customer-stats",
        "rfm-refresh",
        "analytics-recent",
        "analytics-nightly",
        "seed-calendar",
        "expire-loyalty-points",
        "journey-abandoned-carts",
        "journey-win-back",
        "recommendations-refresh",
        "campaigns-due",
        "journey-feedback",
        "journey-back-in-stock",
        "journey-birthday",
        "journey-special-days",
        "tracking-rollup",
        "tracking-prune",
        "risk-flags-refresh",
        "chat-end-idle",
        "chat-remove-transcripts",
        "complaint-sla-watch",
        "complaint-lifecycle",
        "complaint-satisfaction-reminders",
        "complaints-retention",
        "complaints-crisis-scan",
    }

    ran, _ = jobs.run_due(now=start + timedelta(seconds=settings.ORDER_EXPIRY_EVERY_SECONDS))
    assert "expire-unpaid-orders" in ran
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert order.cancel_reason == "expired"
