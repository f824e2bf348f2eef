"""Thin Celery tasks of the CRM; each is safe to run twice."""

from datetime import date

from celery import shared_task

from .customer360.stats import customer_stats_refresh
from .journeys.birthday import birthday_sweep
from .journeys.special_days import special_days_batch, special_days_sweep


@shared_task(name="crm.refresh_customer_stats")
def refresh_customer_stats() -> int:
    """Recompute every customer's figures (lifetime value, orders, returns…) set-based."""
    return customer_stats_refresh()


@shared_task(name="crm.journey_birthday")
def journey_birthday() -> int:
    """Greet today's birthdays (hourly; each occasion once)."""
    return birthday_sweep()


@shared_task(name="crm.journey_special_days")
def journey_special_days() -> int:
    """Queue today's special-day greetings in batches (hourly; each greeting once)."""
    return special_days_sweep()


@shared_task(name="crm.journey_special_days_batch")
def journey_special_days_batch(
    special_day_id: int, day: str, channel: str, first_id: int, last_id: int
) -> int:
    """Greet one range of customers for one special day; safe to run twice."""
    return special_days_batch(
        special_day_id=special_day_id,
        day=date.fromisoformat(day),
        channel=channel,
        first_id=first_id,
        last_id=last_id,
    )
