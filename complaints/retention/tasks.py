"""The retention job (thin: the service does the work; safe to run twice)."""

from celery import shared_task

from ..services.retention import complaints_retention_sweep


@shared_task(name="complaints.retention_sweep")
def retention_sweep() -> dict[str, int]:
    run = complaints_retention_sweep()
    return {"attachments": run.attachments_removed, "tickets": run.tickets_anonymised}
