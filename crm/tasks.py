"""Thin Celery tasks of the CRM; each is safe to run twice."""

from celery import shared_task

from .customer360.stats import customer_stats_refresh


@shared_task(name="crm.refresh_customer_stats")
def refresh_customer_stats() -> int:
    """Recompute every customer's figures (lifetime value, orders, returns…) set-based."""
    return customer_stats_refresh()


@shared_task(name="crm.journey_feedback")
def journey_feedback() -> int:
    """Send the feedback surveys that are due (hourly; a second run sends nothing twice)."""
    from .journeys.feedback.services import feedback_sweep

    return feedback_sweep()
