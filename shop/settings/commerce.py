"""What the shop sells and how: money, orders, carts, legal texts and the catalog."""

from .base import env

# --- Money ------------------------------------------------------------------------------------
SHOP_CURRENCY = env.str("SHOP_CURRENCY", default="TRY")

# Cash on delivery: offered for physical orders up to this total; the fee is its own line.
COD_MAX_TOTAL = env.str("COD_MAX_TOTAL", default="5000.00")
COD_FEE = env.str("COD_FEE", default="19.90")

# Orders: how long an order may wait for its payment before it expires and frees its stock.
ORDER_PAYMENT_TIMEOUT_MINUTES = env.int("ORDER_PAYMENT_TIMEOUT_MINUTES", default=30)
ORDER_EXPIRY_EVERY_SECONDS = env.int("ORDER_EXPIRY_EVERY_SECONDS", default=300)
# Orders paid by card get a "complete your payment" reminder this many minutes before expiry.
ORDER_PAYMENT_REMINDER_MINUTES = env.int("ORDER_PAYMENT_REMINDER_MINUTES", default=10)
ORDER_PAYMENT_REMINDER_EVERY_SECONDS = env.int("ORDER_PAYMENT_REMINDER_EVERY_SECONDS", default=60)
# Signed order links in messages (a guest's "pay now") stay valid this many days.
ORDER_LINK_MAX_AGE_DAYS = env.int("ORDER_LINK_MAX_AGE_DAYS", default=30)
# Fulfilment: an order not shipped this many days after placement is listed as late.
ORDER_SHIP_WITHIN_DAYS = env.int("ORDER_SHIP_WITHIN_DAYS", default=2)
ORDER_PAGE_REFRESH_SECONDS = max(env.int("ORDER_PAGE_REFRESH_SECONDS", default=30), 30)
ORDERS_PER_PAGE = env.int("ORDERS_PER_PAGE", default=20)
ORDER_TRACK_ATTEMPTS_PER_HOUR = env.int("ORDER_TRACK_ATTEMPTS_PER_HOUR", default=10)
CARRIER_POLL_EVERY_SECONDS = env.int("CARRIER_POLL_EVERY_SECONDS", default=15 * 60)
# A carrier webhook whose signed `sent_at` is more than this before or after now is refused.
CARRIER_WEBHOOK_TOLERANCE_SECONDS = env.int("CARRIER_WEBHOOK_TOLERANCE_SECONDS", default=300)
DOWNLOAD_LINK_DAYS = env.int("DOWNLOAD_LINK_DAYS", default=30)
DOWNLOAD_LINK_MAX_DOWNLOADS = env.int("DOWNLOAD_LINK_MAX_DOWNLOADS", default=5)
INVOICE_SERIES = env.str("INVOICE_SERIES", default="DKN")
CREDIT_NOTE_SERIES = env.str("CREDIT_NOTE_SERIES", default="DKI")
# Carts: most units of one item per line; guest carts untouched this long are deleted.
CART_MAX_QUANTITY = env.int("CART_MAX_QUANTITY", default=99)
CART_GUEST_RETENTION_DAYS = env.int("CART_GUEST_RETENTION_DAYS", default=30)
CART_CLEANUP_EVERY_SECONDS = env.int("CART_CLEANUP_EVERY_SECONDS", default=24 * 3600)
# Coupon codes a visitor may try per hour (guessing codes is not a game).
COUPON_ATTEMPTS_PER_HOUR = env.int("COUPON_ATTEMPTS_PER_HOUR", default=10)
# Checkout submissions one visitor may get wrong per hour (a foreign cart token, a stale total).
CHECKOUT_FAILURES_PER_HOUR = env.int("CHECKOUT_FAILURES_PER_HOUR", default=20)

# The seller, as named in the pre-information form and the distance sales contract.
LEGAL_DOCUMENTS_VERSION = env.str("LEGAL_DOCUMENTS_VERSION", default="2026-11")
# Until a lawyer approves the texts, every legal page says it awaits legal review.
LEGAL_TEXTS_REVIEWED = env.bool("LEGAL_TEXTS_REVIEWED", default=False)
WITHDRAWAL_DAYS = env.int("WITHDRAWAL_DAYS", default=14)
# What the order page promises before a customer cancels (docs/fulfilment.md): a card refund
# shows on the statement within this many business days (Stripe: 5-10), a bank transfer (a
# cleared e-check paid back by staff) within this many; balance and tab refunds happen at once.
CANCEL_CARD_REFUND_BUSINESS_DAYS = env.int("CANCEL_CARD_REFUND_BUSINESS_DAYS", default=10)
CANCEL_TRANSFER_REFUND_BUSINESS_DAYS = env.int("CANCEL_TRANSFER_REFUND_BUSINESS_DAYS", default=5)
SELLER_NAME = env.str("SELLER_NAME", default="Dükkan Elektronik Ticaret A.Ş.")
SELLER_ADDRESS = env.str(
    "SELLER_ADDRESS", default="Örnek Mah. Deneme Cad. No: 1, 34000 Kadıköy / İstanbul"
)
SELLER_MERSIS = env.str("SELLER_MERSIS", default="0000000000000001")
SELLER_TAX_OFFICE = env.str("SELLER_TAX_OFFICE", default="Kadıköy")
SELLER_TAX_NUMBER = env.str("SELLER_TAX_NUMBER", default="0000000001")
SELLER_EMAIL = env.str("SELLER_EMAIL", default="destek@dukkan.local")
SELLER_PHONE = env.str("SELLER_PHONE", default="+90 850 000 00 00")
SELLER_KEP_ADDRESS = env.str("SELLER_KEP_ADDRESS", default="dukkan@hs01.kep.tr")

# Product images: formats checked by content, size and pixel caps, thumbnails by sorl-thumbnail.
CATALOG_IMAGE_MAX_BYTES = env.int("CATALOG_IMAGE_MAX_BYTES", default=5 * 1024 * 1024)
CATALOG_IMAGE_MAX_PIXELS = env.int("CATALOG_IMAGE_MAX_PIXELS", default=40_000_000)
THUMBNAIL_PRESERVE_FORMAT = False
THUMBNAIL_FORMAT = "WEBP"
THUMBNAIL_QUALITY = 82

# How often the listing fields (price, "on sale") of products whose sale started or ended are
# refreshed (the periodic job catalog.refresh_sale_listings).
CATALOG_SALE_REFRESH_EVERY_SECONDS = env.int("CATALOG_SALE_REFRESH_EVERY_SECONDS", default=60)
# How often "best selling" (units sold per product) is rolled up from order lines
# (the periodic job orders.rollup_units_sold; never inside placement).
CATALOG_UNITS_SOLD_EVERY_SECONDS = env.int("CATALOG_UNITS_SOLD_EVERY_SECONDS", default=900)
# Searches without results (admin) are kept this many days, then deleted by the daily job
# catalog.prune_search_misses (run every SEARCH_MISS_PRUNE_EVERY_SECONDS).
SEARCH_MISS_KEEP_DAYS = env.int("SEARCH_MISS_KEEP_DAYS", default=90)
SEARCH_MISS_PRUNE_EVERY_SECONDS = env.int("SEARCH_MISS_PRUNE_EVERY_SECONDS", default=24 * 3600)
# Benchmarks only: serve a bare "ok" at /bench/bare through the full middleware stack (bench/).
BENCH_BARE_VIEW = env.bool("BENCH_BARE_VIEW", default=False)

# Stock hints on catalog pages: "only N left" at or below this many.
CATALOG_LOW_STOCK_THRESHOLD = env.int("CATALOG_LOW_STOCK_THRESHOLD", default=5)

# Product questions and answers: questions and answers one visitor may send in an hour, their
# "was this helpful?" votes in an hour, and the days a guest's confirmation link works.
CATALOG_QUESTIONS_PER_HOUR = env.int("CATALOG_QUESTIONS_PER_HOUR", default=5)
CATALOG_ANSWER_VOTES_PER_HOUR = env.int("CATALOG_ANSWER_VOTES_PER_HOUR", default=30)
CATALOG_QUESTION_CONFIRM_DAYS = env.int("CATALOG_QUESTION_CONFIRM_DAYS", default=7)
# catalog.expire_unconfirmed_questions: how often guests' unconfirmed questions past their days
# are deleted (with the address).
CATALOG_QUESTION_EXPIRE_EVERY_SECONDS = env.int(
    "CATALOG_QUESTION_EXPIRE_EVERY_SECONDS", default=24 * 3600
)

# --- Catalog import (staff spreadsheets) ---------------------------------------------------------
# An uploaded XLSX is refused before it is read if its zip members unpack to more than this many
# bytes or its sheet holds more cells (rows x columns); a cell longer than the last is a row error.
CATALOG_IMPORT_MAX_UNPACKED_BYTES = env.int(
    "CATALOG_IMPORT_MAX_UNPACKED_BYTES", default=30 * 1024 * 1024
)
CATALOG_IMPORT_MAX_CELLS = env.int("CATALOG_IMPORT_MAX_CELLS", default=400_000)
CATALOG_IMPORT_MAX_CELL_CHARS = env.int("CATALOG_IMPORT_MAX_CELL_CHARS", default=1000)

# --- CRM staff: call-centre callbacks (issue 26, staff) ---------------------------------------
# "Call me back" requests one visitor may send per hour (their session; 5× per address).
CALLBACK_REQUESTS_PER_HOUR = env.int("CALLBACK_REQUESTS_PER_HOUR", default=5)
# --- Issue 26 (coupons helper): phone orders ---------------------------------------------------
# An order an agent places on the phone waits this long for the customer to pay from the link.
PHONE_ORDER_PAYMENT_TIMEOUT_HOURS = env.int("PHONE_ORDER_PAYMENT_TIMEOUT_HOURS", default=48)
# The ways an agent may offer: paid later by the customer (the pay link, at the door, a transfer),
# never the customer's saved card, balance or tab without them.
PHONE_ORDER_PAYMENT_METHODS = env.list("PHONE_ORDER_PAYMENT_METHODS", default=["card", "cod"])
# --- CRM: customer 360 and per-customer figures (issue 26, c360) ---------------------------------
# How often crm.refresh_customer_stats recomputes every customer's figures (CustomerStats).
CRM_STATS_EVERY_SECONDS = env.int("CRM_STATS_EVERY_SECONDS", default=900)
# How often crm.refresh_rfm recomputes the RFM scores and groups (docs/rfm.md): daily.
CRM_RFM_EVERY_SECONDS = env.int("CRM_RFM_EVERY_SECONDS", default=24 * 60 * 60)
# Rows per panel of the customer 360 (each with a "more" link to the full list).
CRM_360_PANEL_ROWS = env.int("CRM_360_PANEL_ROWS", default=20)
# How often "customers who bought this also bought" is recomputed from accepted orders (issue 31).
RECOMMENDATIONS_REFRESH_EVERY_SECONDS = env.int(
    "RECOMMENDATIONS_REFRESH_EVERY_SECONDS", default=3600
)
# --- The analytics dashboard (crm/analytics, issue 32; docs/analytics.md) -----------------------
# Rollups of today and yesterday are refreshed this often; the last ANALYTICS_NIGHTLY_DAYS days
# (late refunds and cancellations change past days) every ANALYTICS_NIGHTLY_EVERY_SECONDS.
ANALYTICS_RECENT_EVERY_SECONDS = env.int("ANALYTICS_RECENT_EVERY_SECONDS", default=300)
ANALYTICS_NIGHTLY_EVERY_SECONDS = env.int("ANALYTICS_NIGHTLY_EVERY_SECONDS", default=86400)
ANALYTICS_NIGHTLY_DAYS = env.int("ANALYTICS_NIGHTLY_DAYS", default=14)
# A panel over closed days is cached until the rollups change (at most this long); one that
# reads today's orders live, this long.
ANALYTICS_CACHE_SECONDS = env.int("ANALYTICS_CACHE_SECONDS", default=6 * 60 * 60)
ANALYTICS_LIVE_CACHE_SECONDS = env.int("ANALYTICS_LIVE_CACHE_SECONDS", default=60)
# Restocking lead time of a product that names none (the reorder list).
ANALYTICS_DEFAULT_LEAD_TIME_DAYS = env.int("ANALYTICS_DEFAULT_LEAD_TIME_DAYS", default=14)
# --- Risk flags (crm/risk, issue 32; docs/risk-flags.md) ----------------------------------------
# How often the flags are recomputed. A customer or delivery address is flagged from this many
# refused cash-on-delivery parcels, or bounced e-checks; from this many declined card attempts
# within the last RISK_DECLINED_CARDS_DAYS days; or when more than the given percentage of their
# orders (at least RISK_RATIO_MIN_ORDERS of them) were cancelled by them / returned.
RISK_FLAGS_REFRESH_EVERY_SECONDS = env.int("RISK_FLAGS_REFRESH_EVERY_SECONDS", default=3600)
RISK_REFUSED_COD_MIN = env.int("RISK_REFUSED_COD_MIN", default=1)
RISK_BOUNCED_ECHECK_MIN = env.int("RISK_BOUNCED_ECHECK_MIN", default=1)
RISK_DECLINED_CARDS_MIN = env.int("RISK_DECLINED_CARDS_MIN", default=3)
RISK_DECLINED_CARDS_DAYS = env.int("RISK_DECLINED_CARDS_DAYS", default=7)
RISK_RATIO_MIN_ORDERS = env.int("RISK_RATIO_MIN_ORDERS", default=4)
RISK_CANCEL_RATIO_PERCENT = env.int("RISK_CANCEL_RATIO_PERCENT", default=50)
RISK_RETURN_RATIO_PERCENT = env.int("RISK_RETURN_RATIO_PERCENT", default=50)
# The newest flags risk_summary() returns (the dashboard's panel).
RISK_SUMMARY_ROWS = env.int("RISK_SUMMARY_ROWS", default=10)
# Hide cash on delivery at checkout from a customer with a live risk flag (payments/risk.py).
PAYMENTS_HIDE_COD_FOR_FLAGGED = env.bool("PAYMENTS_HIDE_COD_FOR_FLAGGED", default=False)
# --- Consented tracking (crm/tracking, issue 31) -------------------------------------------------
# Raw events are kept this many days (then only the daily counts stay); events one visitor's
# browser may send per minute; how often the daily counts are recounted and old rows deleted.
TRACKING_RAW_DAYS = env.int("TRACKING_RAW_DAYS", default=90)
TRACKING_EVENTS_PER_MINUTE = env.int("TRACKING_EVENTS_PER_MINUTE", default=60)
TRACKING_ROLLUP_EVERY_SECONDS = env.int("TRACKING_ROLLUP_EVERY_SECONDS", default=3600)
TRACKING_PRUNE_EVERY_SECONDS = env.int("TRACKING_PRUNE_EVERY_SECONDS", default=86400)
# --- The business calendar (shop/calendar.py) ----------------------------------------------------
# Working weekdays (0 = Monday) and hours in the shop's time zone; a half day (a bayram eve) stops
# at BUSINESS_HALF_DAY_CLOSES_AT. Holidays come from the `holidays` library into rows staff edit.
BUSINESS_WORKING_WEEKDAYS = env.list("BUSINESS_WORKING_WEEKDAYS", cast=int, default=[0, 1, 2, 3, 4])
BUSINESS_HOURS = tuple(env.list("BUSINESS_HOURS", default=["09:00", "18:00"]))
BUSINESS_HALF_DAY_CLOSES_AT = env.str("BUSINESS_HALF_DAY_CLOSES_AT", default="13:00")
# How often the calendar job makes sure this year's and next year's holidays are there.
CALENDAR_SEED_EVERY_SECONDS = env.int("CALENDAR_SEED_EVERY_SECONDS", default=86400)
# --- The delivery promise (orders/promise.py, issue 29) -------------------------------------------
# An order placed before the warehouse's cut-off (shop time) on one of its working days ships that
# day; later, on the next. On a half day (a bayram eve) the cut-off moves earlier by as much as the
# closing does. Carriers' days count the same days (no delivery on Sundays or public holidays).
WAREHOUSE_CUTOFF = env.str("WAREHOUSE_CUTOFF", default="15:00")
WAREHOUSE_WORKING_WEEKDAYS = env.list(
    "WAREHOUSE_WORKING_WEEKDAYS", cast=int, default=[0, 1, 2, 3, 4]
)
# A parcel with no carrier report for this long is taken to need at least one more day.
DELIVERY_STALL_HOURS = env.int("DELIVERY_STALL_HOURS", default=48)
# How often orders are checked against their promise (orders.watch_promises), and how often the
# product pages' promise is checked for a new cut-off or day (orders.refresh_promise_pages).
PROMISE_WATCH_EVERY_SECONDS = env.int("PROMISE_WATCH_EVERY_SECONDS", default=900)
PROMISE_PAGES_EVERY_SECONDS = env.int("PROMISE_PAGES_EVERY_SECONDS", default=60)
# --- Issue 29 (exchange helper): exchanges in the returns portal --------------------------------
# A replacement that costs more waits this long for the customer to pay the difference from the
# pay link before it expires and its reserved stock goes back: three days, so a customer who
# reads the message in the evening or at the weekend still has time (a checkout waits 30 min).
EXCHANGE_PAYMENT_TIMEOUT_HOURS = env.int("EXCHANGE_PAYMENT_TIMEOUT_HOURS", default=72)
# --- Issue 30: the chat window and the agents' console ---------------------------------------
# The chat window asks for news this often while it is on screen, and this slowly while the tab
# is hidden (short polling: see docs/contact-centre.md).
CHAT_POLL_SECONDS = env.int("CHAT_POLL_SECONDS", default=4)
CHAT_POLL_HIDDEN_SECONDS = env.int("CHAT_POLL_HIDDEN_SECONDS", default=30)
# A chat's poll state (status, newest message) is kept in the cache this long after each write;
# polls answer "nothing new" from it without the database (crm/chat/pollcache.py).
CHAT_POLL_CACHE_SECONDS = env.int("CHAT_POLL_CACHE_SECONDS", default=120)
# Messages one visitor may send per minute (their session, and five times that per address).
CHAT_MESSAGES_PER_MINUTE = env.int("CHAT_MESSAGES_PER_MINUTE", default=12)
# A chat with no message for this long is ended (with the assistant only: it served them).
CHAT_IDLE_MINUTES = env.int("CHAT_IDLE_MINUTES", default=30)
CHAT_IDLE_EVERY_SECONDS = env.int("CHAT_IDLE_EVERY_SECONDS", default=300)
# Chat transcripts are removed this many days after the chat ended (the interaction's summary
# stays); the sweep runs this often.
CHAT_TRANSCRIPT_DAYS = env.int("CHAT_TRANSCRIPT_DAYS", default=180)
CHAT_TRANSCRIPTS_EVERY_SECONDS = env.int("CHAT_TRANSCRIPTS_EVERY_SECONDS", default=86400)
# --- Issue 30 (the "where is my order" assistant) ------------------------------------------------
# Taps on the assistant's buttons (and chats started from an order's page) per visitor and minute:
# far above what a person taps, low enough that a script cannot fill the chat tables.
CHAT_ASSISTANT_TAPS_PER_MINUTE = env.int("CHAT_ASSISTANT_TAPS_PER_MINUTE", default=20)
