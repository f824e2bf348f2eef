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
