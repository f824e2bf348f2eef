"""The rollup jobs (thin): each recomputes whole days, so running one twice is harmless."""

from celery import shared_task

from .rollups import analytics_refresh_nightly, analytics_refresh_recent


@shared_task(name="crm.analytics_refresh_recent")
def analytics_recent() -> int:
    """Today and yesterday, every few minutes; returns the rollups' new version."""
    return analytics_refresh_recent().version


@shared_task(name="crm.analytics_refresh_nightly")
def analytics_nightly() -> int:
    """The last ANALYTICS_NIGHTLY_DAYS days (late refunds and cancellations)."""
    return analytics_refresh_nightly().version
