"""The ground every other part stands on: the environment, the mode, the apps and middleware,
languages and time, and logging."""

from pathlib import Path
from typing import ClassVar

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from shop.embedded import DEV_SECRET_KEY

BASE_DIR = Path(__file__).resolve().parent.parent.parent


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
    # Before the admin: its ready() installs the Turkish-aware capfirst before the admin's
    # autodiscovery imports forms whose labels would otherwise be made with Django's own.
    "shop",
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
    # Our apps, from the lowest layer up (imports point from later to earlier; shop is above).
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
    # The chat window's "nothing new" (204) from one cache read, before sessions and the rest.
    "crm.chat.middleware.ChatPollMiddleware",
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
