"""The crisis scan's thin task (periodic, safe to run twice: one open alert per spike)."""

from celery import shared_task
from django.utils import timezone

from ..services.crisis import crisis_scan


@shared_task(name="complaints.crisis_scan")
def crisis_scan_task() -> int:
    """Look for spikes of complaints and mentions; returns how many new alerts were raised."""
    return len(crisis_scan(now=timezone.now()))
