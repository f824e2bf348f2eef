"""The Celery app. Its configuration comes from Django settings (CELERY_* keys).

Periodic jobs are declared here, in `beat_schedule`; how often each runs is a setting, so it can
change per environment without touching code (django-celery-beat does not support Django 6.1).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

app = Celery("dukkan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def declare_periodic_jobs(sender: Celery, **kwargs: object) -> None:
    """Every periodic job of the shop, with its timing read from settings."""
    from django.conf import settings

    sender.conf.beat_schedule = {
        name: {"task": task, "schedule": getattr(settings, setting)}
        for name, (task, setting) in PERIODIC_JOBS.items()
    }


# job name -> (task name, setting that holds its schedule in seconds or a crontab)
PERIODIC_JOBS: dict[str, tuple[str, str]] = {
    "relay-messages": ("notifications.relay_messages", "NOTIFICATIONS_RELAY_EVERY_SECONDS"),
    "seed-calendar": ("shop.seed_calendar", "CALENDAR_SEED_EVERY_SECONDS"),
    "expire-unpaid-orders": ("orders.expire_unpaid_orders", "ORDER_EXPIRY_EVERY_SECONDS"),
    "delete-stale-carts": ("orders.delete_stale_carts", "CART_CLEANUP_EVERY_SECONDS"),
    "remind-unpaid-orders": (
        "orders.remind_unpaid_orders",
        "ORDER_PAYMENT_REMINDER_EVERY_SECONDS",
    ),
    "poll-carriers": ("orders.poll_carriers", "CARRIER_POLL_EVERY_SECONDS"),
    "watch-promises": ("orders.watch_promises", "PROMISE_WATCH_EVERY_SECONDS"),
    "refresh-promise-pages": ("orders.refresh_promise_pages", "PROMISE_PAGES_EVERY_SECONDS"),
    "clear-echecks": ("payments.clear_echecks", "ECHECK_CLEAR_EVERY_SECONDS"),
    "refresh-sale-listings": (
        "catalog.refresh_sale_listings",
        "CATALOG_SALE_REFRESH_EVERY_SECONDS",
    ),
    "rollup-units-sold": ("orders.rollup_units_sold", "CATALOG_UNITS_SOLD_EVERY_SECONDS"),
    "reconcile-card-payments": (
        "payments.reconcile_card_payments",
        "CARD_RECONCILE_EVERY_SECONDS",
    ),
    "settle-tabs": ("payments.settle_tabs", "TAB_SETTLE_EVERY_SECONDS"),
    "prune-search-misses": ("catalog.prune_search_misses", "SEARCH_MISS_PRUNE_EVERY_SECONDS"),
    "expire-unconfirmed-questions": (
        "catalog.expire_unconfirmed_questions",
        "CATALOG_QUESTION_EXPIRE_EVERY_SECONDS",
    ),
    "process-lost-stripe-events": (
        "payments.process_lost_stripe_events",
        "STRIPE_EVENT_SWEEP_EVERY_SECONDS",
    ),
    "resend-refunds": ("payments.resend_refunds", "REFUND_RESEND_EVERY_SECONDS"),
    "start-lost-payments": ("payments.start_lost_payments", "PAYMENT_START_SWEEP_EVERY_SECONDS"),
    "refresh-customer-stats": ("crm.refresh_customer_stats", "CRM_STATS_EVERY_SECONDS"),
    "rfm-refresh": ("crm.refresh_rfm", "CRM_RFM_EVERY_SECONDS"),
    "analytics-recent": ("crm.analytics_refresh_recent", "ANALYTICS_RECENT_EVERY_SECONDS"),
    "analytics-nightly": ("crm.analytics_refresh_nightly", "ANALYTICS_NIGHTLY_EVERY_SECONDS"),
    "expire-loyalty-points": ("payments.expire_points", "LOYALTY_EXPIRY_EVERY_SECONDS"),
    "journey-abandoned-carts": (
        "crm.journey_abandoned_carts",
        "JOURNEY_ABANDONED_CARTS_EVERY_SECONDS",
    ),
    "recommendations-refresh": (
        "crm.recommendations_refresh",
        "RECOMMENDATIONS_REFRESH_EVERY_SECONDS",
    ),
    "journey-win-back": ("crm.journey_win_back", "JOURNEY_WIN_BACK_EVERY_SECONDS"),
    "campaigns-due": ("crm.campaigns_due", "CAMPAIGNS_DUE_EVERY_SECONDS"),
    "journey-feedback": ("crm.journey_feedback", "JOURNEY_FEEDBACK_EVERY_SECONDS"),
    "journey-back-in-stock": ("crm.journey_back_in_stock", "JOURNEY_BACK_IN_STOCK_EVERY_SECONDS"),
    "journey-birthday": ("crm.journey_birthday", "JOURNEY_BIRTHDAY_EVERY_SECONDS"),
    "journey-special-days": ("crm.journey_special_days", "JOURNEY_SPECIAL_DAYS_EVERY_SECONDS"),
    "tracking-rollup": ("crm.tracking_rollup", "TRACKING_ROLLUP_EVERY_SECONDS"),
    "tracking-prune": ("crm.tracking_prune", "TRACKING_PRUNE_EVERY_SECONDS"),
    "risk-flags-refresh": ("crm.risk_flags_refresh", "RISK_FLAGS_REFRESH_EVERY_SECONDS"),
    "chat-end-idle": ("crm.chat_end_idle", "CHAT_IDLE_EVERY_SECONDS"),
    "chat-remove-transcripts": ("crm.chat_remove_transcripts", "CHAT_TRANSCRIPTS_EVERY_SECONDS"),
    "complaint-sla-watch": ("complaints.sla_watch", "COMPLAINTS_SLA_WATCH_EVERY_SECONDS"),
    "complaint-lifecycle": ("complaints.lifecycle_sweep", "COMPLAINTS_LIFECYCLE_EVERY_SECONDS"),
    "complaint-satisfaction-reminders": (
        "complaints.satisfaction_reminders",
        "COMPLAINTS_CSAT_EVERY_SECONDS",
    ),
    "complaints-retention": ("complaints.retention_sweep", "COMPLAINTS_RETENTION_EVERY_SECONDS"),
    "complaints-crisis-scan": ("complaints.crisis_scan", "COMPLAINTS_CRISIS_SCAN_EVERY_SECONDS"),
}
