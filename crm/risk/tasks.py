"""The periodic refresh of the risk flags (thin; safe to run twice)."""

from celery import shared_task

from .services import risk_flags_refresh


@shared_task(name="crm.risk_flags_refresh")
def refresh_risk_flags() -> int:
    """Recompute every risk flag set-based (`RISK_FLAGS_REFRESH_EVERY_SECONDS`)."""
    return risk_flags_refresh()
