"""The shop package's periodic job: the business calendar's holidays, this year and next."""

from celery import shared_task
from django.utils import timezone

from .services import calendar_seed


@shared_task(name="shop.seed_calendar")
def seed_calendar() -> int:
    """Make sure this year's and next year's holidays are in the calendar (idempotent)."""
    year = timezone.localdate().year
    return calendar_seed(year=year) + calendar_seed(year=year + 1)
