"""The shop's own deploy checks (`manage.py check --deploy`), one per development leftover.

In production each is an Error naming the setting to fix. With DJANGO_HTTPS=false (production
on plain HTTP, for local trials and benchmarks) they are Warnings, so such a run still starts.
Later features add their keys here.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

from .embedded import (
    DEV_ECHECK_ENCRYPTION_KEY,
    DEV_ECHECK_SEAL_KEY,
    DEV_NOTIFICATIONS_WEBHOOK_SECRET,
    FAKE_STRIPE_PUBLISHABLE_KEY,
    FAKE_STRIPE_SECRET_KEY,
    FAKE_STRIPE_WEBHOOK_SECRET,
    LOCAL_HOSTS,
)

TWILIO_BACKEND = "crm.notifications.backends.TwilioSmsBackend"
LOCAL_MAIL_BACKENDS = (
    "shop.mail.ConsoleAndFileEmailBackend",
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
)
FILE_SYSTEM_STORAGE = "django.core.files.storage.FileSystemStorage"


def _is_local(url: str) -> bool:
    return (urlsplit(url).hostname or "") in LOCAL_HOSTS


def _problems() -> list[tuple[str, str, str]]:
    """(id, message, hint) for every development value left in production settings."""
    found = []

    def add(code: str, message: str, hint: str) -> None:
        found.append((code, message, hint))

    if settings.STRIPE_SECRET_KEY in ("", FAKE_STRIPE_SECRET_KEY):
        add("E001", "STRIPE_SECRET_KEY is empty or the fake Stripe server's key.", "Set it.")
    if settings.STRIPE_PUBLISHABLE_KEY in ("", FAKE_STRIPE_PUBLISHABLE_KEY):
        add(
            "E002",
            "STRIPE_PUBLISHABLE_KEY is empty or the fake Stripe server's key.",
            "Set it to the pk_ key of the same Stripe account.",
        )
    for name in ("STRIPE_API_BASE", "STRIPE_JS_URL"):
        if _is_local(getattr(settings, name)):
            add(
                "E003",
                f"{name} points at the local fake Stripe server ({getattr(settings, name)}).",
                "Leave it unset once STRIPE_SECRET_KEY is set.",
            )
    secrets = [
        ("STRIPE_WEBHOOK_SECRET", FAKE_STRIPE_WEBHOOK_SECRET, "E004"),
        ("NOTIFICATIONS_WEBHOOK_SECRET", DEV_NOTIFICATIONS_WEBHOOK_SECRET, "E005"),
        ("ECHECK_SEAL_KEY", DEV_ECHECK_SEAL_KEY, "E012"),
    ]
    if settings.SMS_BACKEND == TWILIO_BACKEND:
        secrets.append(("SMS_TWILIO_AUTH_TOKEN", "", "E006"))
    for name, development_value, code in secrets:
        if getattr(settings, name) in ("", development_value):
            add(code, f"{name} is empty or the development value.", "Set the real secret.")
    if _is_local(settings.SITE_URL):
        add(
            "E007",
            f"SITE_URL is local ({settings.SITE_URL}): links in emails and SMS would not work.",
            "Set SITE_URL to the shop's public address.",
        )
    backend = settings.MAILERS.get("default", {}).get("BACKEND", "")
    if backend in LOCAL_MAIL_BACKENDS:
        add(
            "E008",
            f"Email goes to the console or files ({backend}): EMAIL_URL is not set.",
            "Set EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.com:587.",
        )
    if not settings.ECHECK_ENCRYPTION_KEYS or (
        settings.ECHECK_ENCRYPTION_KEYS[0] == DEV_ECHECK_ENCRYPTION_KEY
    ):
        add(
            "E013",
            "ECHECK_ENCRYPTION_KEYS is empty or starts with the development key.",
            "Put a new Fernet key first (keep the old ones after it to read older checks).",
        )
    storage = settings.STORAGES["default"]["BACKEND"]
    if storage == FILE_SYSTEM_STORAGE and not getattr(settings, "MEDIA_SERVED_BY_PROXY", False):
        add(
            "E009",
            "Nothing serves media: STORAGES['default'] is the local disk and "
            "DJANGO_MEDIA_SERVED_BY_PROXY (MEDIA_SERVED_BY_PROXY) is false.",
            "Use object storage for media, or serve MEDIA_ROOT from the proxy and set "
            "DJANGO_MEDIA_SERVED_BY_PROXY=true.",
        )
    if settings.PAGE_CACHE_URL and _redis_server(settings.PAGE_CACHE_URL) in {
        _redis_server(settings.CELERY_BROKER_URL),
        _redis_server(settings.REDIS_URL),
    }:
        add(
            "E010",
            "PAGE_CACHE_URL is on the Redis server of the broker or the cache: its LRU eviction "
            "(or a full memory) would lose tasks and sessions.",
            "Run a Redis server of its own for the page cache (maxmemory, allkeys-lru).",
        )
    return found


def _redis_server(url: str) -> str:
    parts = urlsplit(url or "")
    return f"{parts.hostname}:{parts.port or 6379}" if parts.scheme.startswith("redis") else url


@checks.register("deploy", deploy=True)
def check_page_cache(**kwargs: object) -> list[checks.CheckMessage]:
    if settings.PRODUCTION and not settings.PAGE_CACHE_URL:
        return [
            checks.Warning(
                "PAGE_CACHE_URL is empty: anonymous catalog pages are rendered on every request.",
                hint="Point it at a Redis server of its own (maxmemory, allkeys-lru).",
                id="shop.W020",
            )
        ]
    return []


@checks.register("deploy", deploy=True)
def check_production_settings(**kwargs: object) -> list[checks.CheckMessage]:
    if not settings.PRODUCTION:
        return []
    if settings.HTTPS:
        return [checks.Error(m, hint=h, id=f"shop.{c}") for c, m, h in _problems()]
    warnings = [
        checks.Warning(
            "DJANGO_HTTPS is false: no HTTPS redirect, no HSTS, no Secure cookies. "
            "For local trials and benchmarks only.",
            id="shop.W001",
        )
    ]
    return warnings + [
        checks.Warning(m, hint=h, id=f"shop.{c.replace('E', 'W1')}") for c, m, h in _problems()
    ]
