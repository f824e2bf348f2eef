"""Catalog background jobs (thin: the work is in catalog.services)."""

from celery import shared_task

from . import services


@shared_task(name="catalog.refresh_sale_listings")
def refresh_sale_listings() -> int:
    """Refresh listing fields of products whose scheduled sale started or ended since last run."""
    return services.listings_refresh_due()
