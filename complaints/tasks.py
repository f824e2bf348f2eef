"""The complaint desk's background work: thin tasks that call a service (each safe to run
twice), found by Celery's autodiscovery. A part of the desk that keeps its tasks in its own
module is imported here."""

from celery import shared_task

from .crisis.tasks import crisis_scan_task  # noqa: F401
from .retention.tasks import retention_sweep  # noqa: F401
from .services import complaint_lifecycle_sweep, satisfaction_reminders_send, sla_watch


@shared_task(name="complaints.satisfaction_reminders")
def satisfaction_reminders() -> int:
    """Remind once about unanswered satisfaction surveys (hourly)."""
    return satisfaction_reminders_send()


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
