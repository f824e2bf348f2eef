"""The CRM journeys (crm/journeys/): how often each sweep runs and its knobs. Each journey keeps
its own block; the words are staff's (admin → Journeys), not settings."""

from .base import env

# --- Forgotten cart (crm/journeys/carts.py) ---
JOURNEY_ABANDONED_CARTS_EVERY_SECONDS = env.int(
    "JOURNEY_ABANDONED_CARTS_EVERY_SECONDS", default=3600
)
# A signed-in customer's cart untouched this long gets its one reminder...
JOURNEY_CART_IDLE_HOURS = env.int("JOURNEY_CART_IDLE_HOURS", default=4)
# ...unless it has been untouched longer than this (switching the journey on wakes no old cart).
JOURNEY_CART_MAX_IDLE_DAYS = env.int("JOURNEY_CART_MAX_IDLE_DAYS", default=7)

# --- Win-back (crm/journeys/win_back.py) ---
JOURNEY_WIN_BACK_EVERY_SECONDS = env.int("JOURNEY_WIN_BACK_EVERY_SECONDS", default=3600)
# "Gone quiet": longer than twice the customer's median gap between orders, and at least this.
JOURNEY_WINBACK_MIN_DAYS = env.int("JOURNEY_WINBACK_MIN_DAYS", default=60)
# A personal coupon of this percentage with the message (0: no coupon), valid this many days.
JOURNEY_WINBACK_COUPON_PERCENT = env.int("JOURNEY_WINBACK_COUPON_PERCENT", default=10)
JOURNEY_WINBACK_COUPON_DAYS = env.int("JOURNEY_WINBACK_COUPON_DAYS", default=30)
# --- feedback after delivery (crm/journeys/feedback/) ---------------------------------------------
# One survey per order this many days after it was delivered; not asked any more once the
# delivery is older than JOURNEY_FEEDBACK_LATEST_DAYS (the journey was off, say).
JOURNEY_FEEDBACK_AFTER_DAYS = env.int("JOURNEY_FEEDBACK_AFTER_DAYS", default=3)
JOURNEY_FEEDBACK_LATEST_DAYS = env.int("JOURNEY_FEEDBACK_LATEST_DAYS", default=14)
JOURNEY_FEEDBACK_EVERY_SECONDS = env.int("JOURNEY_FEEDBACK_EVERY_SECONDS", default=3600)
# An optional extra question, one text per shop language (both blank: not asked; one blank:
# the other is shown). Stored with each answer as it was asked.
JOURNEY_FEEDBACK_EXTRA_QUESTION = {
    "tr": env.str("JOURNEY_FEEDBACK_EXTRA_QUESTION_TR", default=""),
    "en": env.str("JOURNEY_FEEDBACK_EXTRA_QUESTION_EN", default=""),
}
# --- end feedback ---
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
# --- Birthday (crm/journeys/birthday.py) ---
JOURNEY_BIRTHDAY_EVERY_SECONDS = env.int("JOURNEY_BIRTHDAY_EVERY_SECONDS", default=3600)
# The personal birthday coupon: percent off, and for how many days it is valid.
JOURNEY_BIRTHDAY_COUPON_PERCENT = env.int("JOURNEY_BIRTHDAY_COUPON_PERCENT", default=10)
JOURNEY_BIRTHDAY_COUPON_DAYS = env.int("JOURNEY_BIRTHDAY_COUPON_DAYS", default=14)

# --- Special days and holidays (crm/journeys/special_days.py) ---
JOURNEY_SPECIAL_DAYS_EVERY_SECONDS = env.int("JOURNEY_SPECIAL_DAYS_EVERY_SECONDS", default=3600)
# Recipients per batch task (keyset ranges of user ids).
JOURNEY_SPECIAL_DAYS_BATCH_SIZE = env.int("JOURNEY_SPECIAL_DAYS_BATCH_SIZE", default=500)

# --- Campaigns (crm/campaigns/) ---
# How often the `campaigns-due` job looks for scheduled campaigns whose send time has come.
CAMPAIGNS_DUE_EVERY_SECONDS = env.int("CAMPAIGNS_DUE_EVERY_SECONDS", default=60)
# Messages queued per batch (one insert each), and batches per task before it hands over.
CAMPAIGN_BATCH_SIZE = env.int("CAMPAIGN_BATCH_SIZE", default=500)
CAMPAIGN_BATCHES_PER_TASK = env.int("CAMPAIGN_BATCHES_PER_TASK", default=20)
