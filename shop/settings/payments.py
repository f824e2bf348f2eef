"""Payments: Stripe (or the local fake Stripe server), e-checks, cards, refunds, the prepaid
balance and the micropayment tab."""

from urllib.parse import urlsplit

from shop.embedded import (
    DEV_ECHECK_ENCRYPTION_KEY,
    DEV_ECHECK_SEAL_KEY,
    FAKE_STRIPE_PUBLISHABLE_KEY,
    FAKE_STRIPE_SECRET_KEY,
    FAKE_STRIPE_WEBHOOK_SECRET,
)

from .base import PRODUCTION, env

# --- Stripe -------------------------------------------------------------------------------------
FAKE_STRIPE_PORT = env.int("FAKE_STRIPE_PORT", default=8420)
_stripe_key = env.str("STRIPE_SECRET_KEY", default="")
if _stripe_key:
    STRIPE_SECRET_KEY = _stripe_key
    STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")
    STRIPE_JS_URL = env.str("STRIPE_JS_URL", default="https://js.stripe.com/v3/")
else:
    # The local fake Stripe server (localstripe) that `make run` starts on 127.0.0.1.
    STRIPE_SECRET_KEY = FAKE_STRIPE_SECRET_KEY
    STRIPE_API_BASE = env.str("STRIPE_API_BASE", default=f"http://127.0.0.1:{FAKE_STRIPE_PORT}")
    STRIPE_JS_URL = env.str("STRIPE_JS_URL", default=f"{STRIPE_API_BASE}/js.stripe.com/v3/")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default=FAKE_STRIPE_PUBLISHABLE_KEY)
# Production has no default: unset, every Stripe webhook is refused (the development value is
# public, so a production server accepting it would take anyone's events).
STRIPE_WEBHOOK_SECRET = env.str(
    "STRIPE_WEBHOOK_SECRET", default="" if PRODUCTION else FAKE_STRIPE_WEBHOOK_SECRET
)
# E-checks: the HMAC key that seals each signed check, and the Fernet keys that encrypt account
# numbers at rest (comma-separated; the first encrypts, all decrypt, so keys can be rotated).
ECHECK_SEAL_KEY = env.str("ECHECK_SEAL_KEY", default=DEV_ECHECK_SEAL_KEY)
ECHECK_ENCRYPTION_KEYS = env.list("ECHECK_ENCRYPTION_KEYS", default=[DEV_ECHECK_ENCRYPTION_KEY])
# A check still clearing this many days after it was signed is cleared by the periodic job.
ECHECK_CLEARING_DAYS = env.int("ECHECK_CLEARING_DAYS", default=3)
# A cleared check may still be returned by the bank for this many days after it cleared.
ECHECK_RETURN_DAYS = env.int("ECHECK_RETURN_DAYS", default=30)
ECHECK_CLEAR_EVERY_SECONDS = env.int("ECHECK_CLEAR_EVERY_SECONDS", default=3600)
# A card attempt still unanswered after this long counts as spent; the shopper may try again.
CARD_ATTEMPT_STUCK_SECONDS = env.int("CARD_ATTEMPT_STUCK_SECONDS", default=120)
# Declined cards one order accepts before refusing more (card testing).
CARD_DECLINES_PER_ORDER = env.int("CARD_DECLINES_PER_ORDER", default=5)
# A signed webhook timestamped more than this before or after now is refused (replays).
STRIPE_WEBHOOK_TOLERANCE_SECONDS = env.int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", default=300)
# A stored webhook event still unprocessed this long after it arrived lost its task: the periodic
# sweep (every STRIPE_EVENT_SWEEP_EVERY_SECONDS) queues it again.
STRIPE_EVENT_LOST_AFTER_SECONDS = env.int("STRIPE_EVENT_LOST_AFTER_SECONDS", default=300)
STRIPE_EVENT_SWEEP_EVERY_SECONDS = env.int("STRIPE_EVENT_SWEEP_EVERY_SECONDS", default=300)
# The nightly comparison of Stripe's charges with the ledger looks this many days back.
CARD_RECONCILE_DAYS = env.int("CARD_RECONCILE_DAYS", default=3)
CARD_RECONCILE_EVERY_SECONDS = env.int("CARD_RECONCILE_EVERY_SECONDS", default=24 * 3600)
# Refunds reserved and never sent (a crash, a Stripe error) for this long are sent again by a
# periodic job (after looking them up at Stripe); refunds Stripe left `pending` are read back.
REFUND_RESEND_EVERY_SECONDS = env.int("REFUND_RESEND_EVERY_SECONDS", default=300)
REFUND_UNSENT_AFTER_SECONDS = env.int("REFUND_UNSENT_AFTER_SECONDS", default=300)
# A cash-on-delivery or e-check order whose payment was never started (a crash after the order
# committed) is started by a periodic job once it is this old.
PAYMENT_START_LOST_AFTER_SECONDS = env.int("PAYMENT_START_LOST_AFTER_SECONDS", default=300)
PAYMENT_START_SWEEP_EVERY_SECONDS = env.int("PAYMENT_START_SWEEP_EVERY_SECONDS", default=300)

# --- Wallet, prepaid balance, micropayment tab ----------------------------------------------------
# Prepaid balance top-ups by card: the smallest and largest amount, and the amounts offered.
BALANCE_TOP_UP_MIN = env.str("BALANCE_TOP_UP_MIN", default="20.00")
BALANCE_TOP_UP_MAX = env.str("BALANCE_TOP_UP_MAX", default="5000.00")
BALANCE_TOP_UP_AMOUNTS = env.list("BALANCE_TOP_UP_AMOUNTS", default=["50", "100", "250", "500"])
# Micropayment tab: orders up to TAB_ORDER_LIMIT go on the customer's tab, up to TAB_CREDIT_LIMIT
# in all; the tab is settled with one card charge at TAB_SETTLE_THRESHOLD or at the month's end.
TAB_ORDER_LIMIT = env.str("TAB_ORDER_LIMIT", default="50.00")
TAB_CREDIT_LIMIT = env.str("TAB_CREDIT_LIMIT", default="300.00")
TAB_SETTLE_THRESHOLD = env.str("TAB_SETTLE_THRESHOLD", default="200.00")
# A declined settlement is tried again this many times in all (by the periodic job).
TAB_SETTLE_ATTEMPTS = env.int("TAB_SETTLE_ATTEMPTS", default=3)
TAB_SETTLE_EVERY_SECONDS = env.int("TAB_SETTLE_EVERY_SECONDS", default=3600)
# A settlement still unanswered this long after it began (a worker died, an answer was lost) is
# looked up at Stripe by the periodic job and recorded, or voided and tried again.
TAB_SETTLING_STUCK_SECONDS = env.int("TAB_SETTLING_STUCK_SECONDS", default=900)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


STRIPE_JS_ORIGIN = _origin(STRIPE_JS_URL)

# --- Loyalty points (issue 26, points) ---
# Points earned per TRY of items paid (after discounts, before shipping), times the tier's
# multiplier; whole points, rounded down.
LOYALTY_POINTS_PER_TRY = env.str("LOYALTY_POINTS_PER_TRY", default="1")
# What one point is worth at checkout, in TRY (a discount on the items).
LOYALTY_POINT_VALUE = env.str("LOYALTY_POINT_VALUE", default="0.01")
# Redeeming: at least this many points, and at most this share of the items after the coupon.
LOYALTY_REDEEM_MIN_POINTS = env.int("LOYALTY_REDEEM_MIN_POINTS", default=100)
LOYALTY_REDEEM_MAX_SHARE = env.str("LOYALTY_REDEEM_MAX_SHARE", default="0.50")
# Each credit (a lot) expires this many days after it was made; a reminder goes before.
LOYALTY_POINTS_VALID_DAYS = env.int("LOYALTY_POINTS_VALID_DAYS", default=365)
LOYALTY_EXPIRY_REMINDER_DAYS = env.int("LOYALTY_EXPIRY_REMINDER_DAYS", default=14)
LOYALTY_EXPIRY_EVERY_SECONDS = env.int("LOYALTY_EXPIRY_EVERY_SECONDS", default=3600)
# --- end loyalty points ---
