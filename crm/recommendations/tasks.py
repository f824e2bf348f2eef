"""The periodic refresh of the "also bought" lists (safe to run twice: a rerun changes nothing)."""

from celery import shared_task

from .services import bought_together_refresh


@shared_task(name="crm.recommendations_refresh")
def recommendations_refresh() -> int:
    """Recompute every product's list; returns how many products' pages changed."""
    return bought_together_refresh().pages
