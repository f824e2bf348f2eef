"""Dükkan settings, read from the environment (see .env.example for every key).

With no environment at all the shop runs embedded: SQLite under var/, Celery eager, email to the
console and to files under var/, Stripe pointed at the local fake Stripe server. Setting
DJANGO_ENV=production turns on the deploy checks and requires the secrets.

The environment wins over `.env` (read from the project root, or from DUKKAN_ENV_FILE).
DUKKAN_READ_DOT_ENV=0 reads no `.env` at all: the test command sets it, so a developer's `.env`
never changes what the suite tests. A key that is present but empty takes its default.
"""

from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from shop.embedded import (
    DEV_ECHECK_ENCRYPTION_KEY,
    DEV_ECHECK_SEAL_KEY,
    DEV_NOTIFICATIONS_WEBHOOK_SECRET,
    DEV_SECRET_KEY,
    FAKE_STRIPE_PUBLISHABLE_KEY,
    FAKE_STRIPE_SECRET_KEY,
    FAKE_STRIPE_WEBHOOK_SECRET,
)

BASE_DIR = Path(__file__).resolve().parent.parent


class SettingsEnv(environ.Env):
    """django-environ, except that a key present but empty (`KEY=`) takes its default.

    Remembers every key it was asked for, so a test can check .env.example documents them all.
    """

    keys_read: ClassVar[set[str]] = set()

    def get_value(
        self,
        var: str,
        cast: object = None,
        default: object = environ.Env.NOTSET,
        parse_default: bool = False,
    ) -> object:
        self.keys_read.add(var)
        if self.ENVIRON.get(f"{self.prefix}{var}") == "":
            if default is self.NOTSET:
                raise ImproperlyConfigured(f"Set the {var} environment variable (it is empty)")
            return self.parse_value(default, cast) if parse_default else default
        return super().get_value(var, cast=cast, default=default, parse_default=parse_default)


env = SettingsEnv()
_read_dot_env = env.bool("DUKKAN_READ_DOT_ENV", default=True)
if _read_dot_env:
    env.read_env(env.str("DUKKAN_ENV_FILE", default=str(BASE_DIR / ".env")))

# Local state (SQLite file, mail, media, private files); DUKKAN_VAR_DIR moves it elsewhere.
VAR_DIR = Path(env.str("DUKKAN_VAR_DIR", default=str(BASE_DIR / "var")))

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

# --- Core -------------------------------------------------------------------------------------
if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEV_SECRET_KEY)
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)

SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env.str("SITE_NAME", default="Dükkan")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "modeltranslation",  # before the admin, so translated fields show there
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",  # search lookups (trigram, full text); inert on SQLite
    "django_htmx",
    "treebeard",
    "sorl.thumbnail",
    "allauth",
    "allauth.account",
    # Our apps, from the lowest layer up (imports point from later to earlier).
    "shop",
    "crm.notifications",
    "catalog",
    "payments",
    "orders",
    "crm",
    "complaints",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "shop.middleware.RejectNulBytesMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "shop.middleware.PrivatePagesMiddleware",
    # Last: a hit still passes every middleware above on its way out (cookies, headers, CSP).
    "shop.pagecache.PageCacheMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"
ASGI_APPLICATION = "shop.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shop.context_processors.site",
                "catalog.context_processors.menu",
                "orders.context_processors.cart",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------
POSTGRES_PREPARED = {"server_side_binding": True, "prepare_threshold": 5}
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'dukkan.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout let the dev server, the worker and the shell share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Server-side parameters let PostgreSQL keep each connection's plans: a statement asked
    # for the fifth time is prepared, so the cart's or a listing's query is not planned again on
    # every request (a 4-table join spends more time in the planner than running). Off behind a
    # pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(POSTGRES_PREPARED)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "shop.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "dukkan",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Anonymous catalog pages, whole, in their own Redis database (shop/pagecache.py). Use a Redis
# server of its own with `maxmemory` and `maxmemory-policy allkeys-lru`, never the broker's: `?q=`
# spam may fill it, and evicting the broker's keys would lose tasks. Empty: no page cache.
PAGE_CACHE_URL = env.str("PAGE_CACHE_URL", default="")
# Every entry expires after this long even if nothing it shows changes.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
PAGE_CACHE_ENABLED = bool(PAGE_CACHE_URL)
if PAGE_CACHE_URL:
    CACHES["pages"] = {
        "BACKEND": "shop.cache.RedisCache",
        "LOCATION": PAGE_CACHE_URL,
        "KEY_PREFIX": "dukkan",
        "TIMEOUT": PAGE_CACHE_SECONDS,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
else:
    CACHES["pages"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Accounts -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "shop.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "shop:profile"
LOGOUT_REDIRECT_URL = "catalog:home"

ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# A new account signs in only once its address is verified (guest checkout needs no account).
# With mandatory verification, signing up with a taken address mails that address instead of
# saying so on the page: sign-up reveals no accounts.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS_ENABLED = True
# How many proxies in front of the shop we run (load balancer, nginx): the client address is the
# X-Forwarded-For entry that many from the right. 0 (no proxy) ignores the header. Every rate
# limit and every consent/contract IP record reads it through shop.net.client_ip.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_ADAPTER = "shop.adapters.AccountAdapter"
# Marketing consent boxes on the sign-up form, recorded with their source and text version.
ACCOUNT_SIGNUP_FORM_CLASS = "crm.forms.SignupConsentForm"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = urlsplit(SITE_URL).scheme or "https"

# --- Languages and time ---------------------------------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="tr")
LANGUAGES = [("tr", _("Turkish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "shop" / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE
MODELTRANSLATION_FALLBACK_LANGUAGES = ("tr", "en")
LANGUAGE_COOKIE_NAME = "dukkan_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Europe/Istanbul"
USE_I18N = True
USE_TZ = True

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

# --- Static and media ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
# Private files (digital downloads) never live under MEDIA_ROOT, so no URL can reach them.
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"
# Outside production WhiteNoise serves straight from the app folders; no collectstatic needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Media on S3-compatible object storage (django-storages) when MEDIA_S3_BUCKET is set, so every
# web server sees the same files; the bucket serves product images publicly (plain, cacheable
# URLs). Digital products go to PRIVATE_MEDIA_S3_BUCKET, which has no public URL at all.
MEDIA_S3_BUCKET = env.str("MEDIA_S3_BUCKET", default="")
PRIVATE_MEDIA_S3_BUCKET = env.str("PRIVATE_MEDIA_S3_BUCKET", default="")
MEDIA_S3_OPTIONS = {
    "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default="") or None,
    "region_name": env.str("MEDIA_S3_REGION", default="") or None,
    # Keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the machine's role) via boto3.
    "file_overwrite": False,
}
STORAGES = {
    "default": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **MEDIA_S3_OPTIONS,
                "bucket_name": MEDIA_S3_BUCKET,
                "querystring_auth": False,
                "custom_domain": env.str("MEDIA_S3_CUSTOM_DOMAIN", default="") or None,
                "url_protocol": "https:",
            },
        }
        if MEDIA_S3_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Email --------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <shop@dukkan.local>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
MAIL_DIR = VAR_DIR / "mail"
_smtp_url = env.str("EMAIL_URL", default="")
if _smtp_url:
    _smtp = urlsplit(_smtp_url)
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _smtp.hostname,
                "port": _smtp.port or 587,
                "username": _smtp.username or "",
                "password": _smtp.password or "",
                "use_tls": _smtp.scheme in ("smtp+tls", "submission"),
                "use_ssl": _smtp.scheme == "smtps",
                "timeout": 10,
            },
        }
    }
else:
    # Production never prints messages to the process log (they hold reset and sign-in links).
    MAILERS = {
        "default": {
            "BACKEND": "shop.mail.ConsoleAndFileEmailBackend",
            "OPTIONS": {"file_path": str(MAIL_DIR), "console": not PRODUCTION},
        }
    }

# --- Celery ---------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
# Without a broker the embedded default runs tasks in-process, right after commit.
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL.startswith("memory://")
)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="dukkan")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=90)
CELERY_TIMEZONE = TIME_ZONE
# Redis re-delivers an unacknowledged task after the visibility timeout. It must be longer than
# any countdown/eta we use (the longest is a quiet-hours deferral of about 10 hours), or a
# scheduled task would be delivered twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=12 * 3600),
    "socket_timeout": 3,
    "socket_connect_timeout": 2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A dead broker must fail a publish fast; the outbox relay re-sends what was not published.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}

# --- Messages (crm/notifications) ----------------------------------------------------------------
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=5)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.int("NOTIFICATIONS_RETRY_BASE_SECONDS", default=30)
# A message still "sending" after this long is marked "unknown" for staff, never resent blindly.
NOTIFICATIONS_STUCK_AFTER_SECONDS = env.int("NOTIFICATIONS_STUCK_AFTER_SECONDS", default=600)
# The relay re-enqueues queued messages untouched for this long (broker down at commit, etc.).
NOTIFICATIONS_RELAY_AFTER_SECONDS = env.int("NOTIFICATIONS_RELAY_AFTER_SECONDS", default=120)
NOTIFICATIONS_RELAY_EVERY_SECONDS = env.int("NOTIFICATIONS_RELAY_EVERY_SECONDS", default=60)
NOTIFICATIONS_MARKETING_WEEKLY_CAP = env.int("NOTIFICATIONS_MARKETING_WEEKLY_CAP", default=3)
# No marketing SMS from 21:00 to 09:00 in the recipient's time zone (start hour, end hour).
NOTIFICATIONS_QUIET_HOURS = tuple(env.list("NOTIFICATIONS_QUIET_HOURS", cast=int, default=[21, 9]))
NOTIFICATIONS_CONSENT_TEXT_VERSION = env.str(
    "NOTIFICATIONS_CONSENT_TEXT_VERSION", default="2026-11"
)
NOTIFICATIONS_MESSAGE_ID_DOMAIN = urlsplit(SITE_URL).hostname or "dukkan.local"
# Shared secret of the signed delivery-report endpoints.
# Production has no default: unset, the endpoints refuse every report (shop/webhooks.py).
NOTIFICATIONS_WEBHOOK_SECRET = env.str(
    "NOTIFICATIONS_WEBHOOK_SECRET", default="" if PRODUCTION else DEV_NOTIFICATIONS_WEBHOOK_SECRET
)
SMS_BACKEND = env.str("SMS_BACKEND", default="crm.notifications.backends.FileSmsBackend")
SMS_SENDER = env.str("SMS_SENDER", default="DUKKAN")
SMS_TIMEOUT_SECONDS = env.int("SMS_TIMEOUT_SECONDS", default=5)
SMS_TWILIO_BASE_URL = env.str("SMS_TWILIO_BASE_URL", default="https://api.twilio.com")
SMS_TWILIO_ACCOUNT_SID = env.str("SMS_TWILIO_ACCOUNT_SID", default="")
SMS_TWILIO_AUTH_TOKEN = env.str("SMS_TWILIO_AUTH_TOKEN", default="")
SMS_STATUS_CALLBACK_URL = env.str("SMS_STATUS_CALLBACK_URL", default="")

# --- Catalog import (staff spreadsheets) ---------------------------------------------------------
# An uploaded XLSX is refused before it is read if its zip members unpack to more than this many
# bytes or its sheet holds more cells (rows x columns); a cell longer than the last is a row error.
CATALOG_IMPORT_MAX_UNPACKED_BYTES = env.int(
    "CATALOG_IMPORT_MAX_UNPACKED_BYTES", default=30 * 1024 * 1024
)
CATALOG_IMPORT_MAX_CELLS = env.int("CATALOG_IMPORT_MAX_CELLS", default=400_000)
CATALOG_IMPORT_MAX_CELL_CHARS = env.int("CATALOG_IMPORT_MAX_CELL_CHARS", default=1000)

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
# Production without Stripe keys takes no cards: its policy names no fake Stripe server.
_STRIPE_JS = [STRIPE_JS_ORIGIN] if _stripe_key or not PRODUCTION else []
_STRIPE_API = [_origin(STRIPE_API_BASE)] if _stripe_key or not PRODUCTION else []

# Where product images are served from, for the policy's img-src.
if not MEDIA_S3_BUCKET:
    _MEDIA_ORIGINS = []
elif STORAGES["default"]["OPTIONS"]["custom_domain"]:
    _MEDIA_ORIGINS = [f"https://{STORAGES['default']['OPTIONS']['custom_domain']}"]
elif MEDIA_S3_OPTIONS["endpoint_url"]:
    _MEDIA_ORIGINS = [_origin(MEDIA_S3_OPTIONS["endpoint_url"])]
else:
    _MEDIA_ORIGINS = [f"https://{MEDIA_S3_BUCKET}.s3.amazonaws.com"]

# --- Security -----------------------------------------------------------------------------------
# The Content Security Policy is on in every mode, so tests see what production sees.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE, *_STRIPE_JS],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *_MEDIA_ORIGINS],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF, *_STRIPE_JS, *_STRIPE_API],
    # Stripe's 3-D Secure challenge runs in frames from Stripe's origins.
    "frame-src": [CSP.SELF, *_STRIPE_JS, "https://hooks.stripe.com"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "shop.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
# DJANGO_HTTPS=false (production on plain HTTP, for local trials and load tests on 127.0.0.1)
# turns off the HTTPS redirect, HSTS and the Secure cookie flags together; the deploy checks warn.
HTTPS = PRODUCTION and env.bool("DJANGO_HTTPS", default=True)
if HTTPS:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Production only: who serves user uploads (MEDIA_URL) when the default storage is the local
# disk. True means a proxy in front of the shop serves MEDIA_ROOT; an object storage (S3) as the
# default storage needs nothing here. The deploy checks fail when neither is the case.
MEDIA_SERVED_BY_PROXY = env.bool("DJANGO_MEDIA_SERVED_BY_PROXY", default=False)

# --- Logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # Tokens, keys, links with secrets, emails, phones and identity numbers never reach a log.
    "filters": {"redact": {"()": "shop.log_redaction.RedactSecretsFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
