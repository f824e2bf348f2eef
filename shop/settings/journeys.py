"""The CRM journeys (crm/journeys/): how often each sweep runs and its knobs. Each journey keeps
its own block; the words are staff's (admin → Journeys), not settings."""

from .base import env

# Back in stock (crm/journeys/back_in_stock/): the hourly sweep catches a lost catalog signal;
# each restock tells at most the units now available × the factor of waiting requests (oldest
# first); a guest's unconfirmed request expires after the days; requests per visitor per hour.
JOURNEY_BACK_IN_STOCK_EVERY_SECONDS = env.int("JOURNEY_BACK_IN_STOCK_EVERY_SECONDS", default=3600)
JOURNEY_BACK_IN_STOCK_FACTOR = env.float("JOURNEY_BACK_IN_STOCK_FACTOR", default=1.0)
# Hours the people told have to buy before the sweep tells the next ones while stock lasts.
JOURNEY_BACK_IN_STOCK_WAIT_HOURS = env.int("JOURNEY_BACK_IN_STOCK_WAIT_HOURS", default=24)
JOURNEY_BACK_IN_STOCK_CONFIRM_DAYS = env.int("JOURNEY_BACK_IN_STOCK_CONFIRM_DAYS", default=7)
JOURNEY_BACK_IN_STOCK_REQUESTS_PER_HOUR = env.int(
    "JOURNEY_BACK_IN_STOCK_REQUESTS_PER_HOUR", default=10
)
