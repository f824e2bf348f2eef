"""The complaint desk's background work: thin tasks that call a service (each safe to run
twice)."""

from celery import shared_task

from .services import satisfaction_reminders_send


@shared_task(name="complaints.satisfaction_reminders")
def satisfaction_reminders() -> int:
    """Remind once about unanswered satisfaction surveys (hourly)."""
    return satisfaction_reminders_send()
