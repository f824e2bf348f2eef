"""Thin periodic tasks of consented tracking; each is safe to run twice."""

from celery import shared_task

from .services import tracking_prune, tracking_rollup


@shared_task(name="crm.tracking_rollup")
def rollup_tracking() -> int:
    """Recount the daily tracking counts from the last day counted through today."""
    return tracking_rollup()


@shared_task(name="crm.tracking_prune")
def prune_tracking() -> int:
    """Delete raw tracking rows older than TRACKING_RAW_DAYS (only days already counted)."""
    return tracking_prune()
