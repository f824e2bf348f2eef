"""Thin Celery tasks of the CRM; each is safe to run twice."""

from celery import shared_task

from .customer360.stats import customer_stats_refresh
from .journeys.back_in_stock.services import back_in_stock_sweep


@shared_task(name="crm.refresh_customer_stats")
def refresh_customer_stats() -> int:
    """Recompute every customer's figures (lifetime value, orders, returns…) set-based."""
    return customer_stats_refresh()


@shared_task(name="crm.journey_back_in_stock")
def journey_back_in_stock(variant_id: int | None = None, restocked: bool = False) -> int:
    """Back in stock: one variant the catalog says came back, or (hourly) every such variant."""
    return back_in_stock_sweep(variant_id=variant_id, restocked=restocked)
