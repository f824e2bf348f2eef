"""Thin Celery tasks of the complaint desk; each is safe to run twice."""

from celery import shared_task

from .services import complaint_lifecycle_sweep, sla_watch


@shared_task(name="complaints.sla_watch")
def complaint_sla_watch() -> dict[str, int]:
    """Warn assignees at 80 % of a target and escalate breaches (each once per target)."""
    tally = sla_watch()
    return {"warned": tally.warned, "escalated": tally.escalated}


@shared_task(name="complaints.lifecycle_sweep")
def complaint_lifecycle() -> dict[str, int]:
    """Close resolved tickets after the reopen period; remind, then resolve, silent customers."""
    tally = complaint_lifecycle_sweep()
    return {"closed": tally.closed, "reminded": tally.reminded, "resolved": tally.resolved}
