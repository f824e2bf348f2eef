"""Messages to people: email and the crm/notifications outbox (SMS, retries, consents)."""

import json
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

# --- Browser notifications (Web Push, crm/notifications/push.py) --------------------------------
# The VAPID key pair (base64url: the public key as an uncompressed P-256 point, the private key
# as its 32 bytes). Outside production, when unset, `make run` makes a development pair once in
# WEB_PUSH_VAPID_DEV_FILE and it is read from there; production reads only the environment
# (no keys: browser notifications are off, and `check --deploy` warns; the development pair:
# `check --deploy` fails).
WEB_PUSH_VAPID_DEV_FILE = VAR_DIR / "web_push_vapid.json"


def _development_vapid_pair() -> dict:
    if PRODUCTION:
        return {}
    try:
        return json.loads(WEB_PUSH_VAPID_DEV_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


_dev_vapid = _development_vapid_pair()
WEB_PUSH_VAPID_PUBLIC_KEY = env.str(
    "WEB_PUSH_VAPID_PUBLIC_KEY", default=_dev_vapid.get("public_key", "")
)
WEB_PUSH_VAPID_PRIVATE_KEY = env.str(
    "WEB_PUSH_VAPID_PRIVATE_KEY", default=_dev_vapid.get("private_key", "")
)
# Who the push services may write to about our pushes (the VAPID `sub` claim): mailto: or https:.
WEB_PUSH_CONTACT = env.str(
    "WEB_PUSH_CONTACT", default="" if PRODUCTION else "mailto:shop@dukkan.local"
)
# The push services a browser's subscription may point at (a host or its parent domain): the
# shop POSTs to that URL, so it must not be any address a visitor names.
WEB_PUSH_ENDPOINT_HOSTS = env.list(
    "WEB_PUSH_ENDPOINT_HOSTS",
    default=[
        "fcm.googleapis.com",
        "push.services.mozilla.com",
        "notify.windows.com",
        "push.apple.com",
    ],
)
# How long a push service keeps a push for a browser that is offline (seconds).
WEB_PUSH_TTL_SECONDS = env.int("WEB_PUSH_TTL_SECONDS", default=86400)
WEB_PUSH_TIMEOUT_SECONDS = env.int("WEB_PUSH_TIMEOUT_SECONDS", default=5)
