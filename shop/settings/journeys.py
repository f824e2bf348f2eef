"""The CRM journeys (crm/journeys/): how often each sweep runs and its knobs. Each journey keeps
its own block; the words are staff's (admin → Journeys), not settings."""

from .base import env

# --- Birthday (crm/journeys/birthday.py) ---
JOURNEY_BIRTHDAY_EVERY_SECONDS = env.int("JOURNEY_BIRTHDAY_EVERY_SECONDS", default=3600)
# The personal birthday coupon: percent off, and for how many days it is valid.
JOURNEY_BIRTHDAY_COUPON_PERCENT = env.int("JOURNEY_BIRTHDAY_COUPON_PERCENT", default=10)
JOURNEY_BIRTHDAY_COUPON_DAYS = env.int("JOURNEY_BIRTHDAY_COUPON_DAYS", default=14)

# --- Special days and holidays (crm/journeys/special_days.py) ---
JOURNEY_SPECIAL_DAYS_EVERY_SECONDS = env.int("JOURNEY_SPECIAL_DAYS_EVERY_SECONDS", default=3600)
# Recipients per batch task (keyset ranges of user ids).
JOURNEY_SPECIAL_DAYS_BATCH_SIZE = env.int("JOURNEY_SPECIAL_DAYS_BATCH_SIZE", default=500)
