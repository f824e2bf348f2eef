"""Thin Celery tasks of the CRM; each is safe to run twice."""

from datetime import date

from celery import shared_task

from .analytics.tasks import analytics_nightly, analytics_recent  # noqa: F401 (registered)
from .campaigns.tasks import campaign_send, campaigns_due_task  # noqa: F401 (registered)
from .chat.retention import chats_end_idle, transcripts_remove
from .customer360.stats import customer_stats_refresh
from .journeys.back_in_stock.services import back_in_stock_sweep
from .journeys.birthday import birthday_sweep
from .journeys.carts import abandoned_carts_sweep
from .journeys.feedback.services import feedback_sweep
from .journeys.special_days import special_days_batch, special_days_sweep
from .journeys.win_back import win_back_sweep
from .recommendations.tasks import recommendations_refresh  # noqa: F401  (the periodic refresh)
from .risk.tasks import refresh_risk_flags  # noqa: F401  (the periodic refresh)
from .segments.rfm import rfm_refresh
from .tracking.tasks import prune_tracking, rollup_tracking  # noqa: F401  (registers them)


@shared_task(name="crm.refresh_customer_stats")
def refresh_customer_stats() -> int:
    """Recompute every customer's figures (lifetime value, orders, returns…) set-based."""
    return customer_stats_refresh()


@shared_task(name="crm.refresh_rfm")
def refresh_rfm() -> int:
    """Nightly: bring the figures up to date, then recompute every customer's RFM scores and
    group (crm/segments/rfm.py); running twice gives the same scores."""
    customer_stats_refresh()
    return rfm_refresh()


@shared_task(name="crm.journey_abandoned_carts")
def journey_abandoned_carts() -> int:
    """Remind each forgotten cart once (crm/journeys/carts.py); returns how many were queued."""
    tally = abandoned_carts_sweep()
    return tally.queued if tally else 0


@shared_task(name="crm.journey_win_back")
def journey_win_back() -> int:
    """Once a quarter, a message to each customer who has gone quiet (crm/journeys/win_back.py)."""
    tally = win_back_sweep()
    return tally.queued if tally else 0


@shared_task(name="crm.journey_feedback")
def journey_feedback() -> int:
    """Send the feedback surveys that are due (hourly; a second run sends nothing twice)."""
    return feedback_sweep()


@shared_task(name="crm.journey_back_in_stock")
def journey_back_in_stock(variant_id: int | None = None, restocked: bool = False) -> int:
    """Back in stock: one variant the catalog says came back, or (hourly) every such variant."""
    return back_in_stock_sweep(variant_id=variant_id, restocked=restocked)


@shared_task(name="crm.journey_birthday")
def journey_birthday() -> int:
    """Greet today's birthdays (hourly; each occasion once)."""
    return birthday_sweep()


@shared_task(name="crm.journey_special_days")
def journey_special_days() -> int:
    """Queue today's special-day greetings in batches (hourly; each greeting once)."""
    return special_days_sweep()


@shared_task(name="crm.journey_special_days_batch")
def journey_special_days_batch(
    special_day_id: int, day: str, channel: str, first_id: int, last_id: int
) -> int:
    """Greet one range of customers for one special day; safe to run twice."""
    return special_days_batch(
        special_day_id=special_day_id,
        day=date.fromisoformat(day),
        channel=channel,
        first_id=first_id,
        last_id=last_id,
    )


@shared_task(name="crm.chat_end_idle")
def chat_end_idle() -> int:
    """End the chats nobody has written in for CHAT_IDLE_MINUTES (crm/chat/retention.py)."""
    return chats_end_idle()


@shared_task(name="crm.chat_remove_transcripts")
def chat_remove_transcripts() -> int:
    """Remove transcripts older than CHAT_TRANSCRIPT_DAYS; their summaries stay."""
    return transcripts_remove()
