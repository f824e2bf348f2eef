"""Messages to people: email and the crm/notifications outbox (SMS, retries, consents)."""

from urllib.parse import urlsplit

from shop.embedded import DEV_NOTIFICATIONS_WEBHOOK_SECRET

from .base import PRODUCTION, SITE_NAME, SITE_URL, VAR_DIR, env

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

# --- Messages (crm/notifications) ----------------------------------------------------------------
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=5)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.int("NOTIFICATIONS_RETRY_BASE_SECONDS", default=30)
# A message still "sending" after this long is marked "unknown" for staff, never resent blindly.
NOTIFICATIONS_STUCK_AFTER_SECONDS = env.int("NOTIFICATIONS_STUCK_AFTER_SECONDS", default=600)
# The relay re-enqueues queued messages untouched for this long (broker down at commit, etc.).
NOTIFICATIONS_RELAY_AFTER_SECONDS = env.int("NOTIFICATIONS_RELAY_AFTER_SECONDS", default=120)
NOTIFICATIONS_RELAY_EVERY_SECONDS = env.int("NOTIFICATIONS_RELAY_EVERY_SECONDS", default=60)
NOTIFICATIONS_MARKETING_WEEKLY_CAP = env.int("NOTIFICATIONS_MARKETING_WEEKLY_CAP", default=3)
# No marketing (email or SMS) from 21:00 to 09:00 in the recipient's time zone (start, end hour).
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
