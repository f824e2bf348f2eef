"""Test settings: hermetic, whatever the developer's `.env` and shell say.

Only the documented TEST_* variables reach the suite:
- TEST_DATABASE_URL: the database (PostgreSQL in CI); unset, SQLite (a file under TEST_VAR_DIR).
- TEST_REDIS_URL: the Redis database of the broker tests (and the real worker); unset, they skip.
- TEST_PAGE_CACHE_URL: the Redis database of the page cache; unset, its tests skip.
- TEST_VAR_DIR: local state (mail, media, private files); default a temp folder per checkout.

In parallel (pytest-xdist, `-n N`: scripts/test.sh runs `-n 2 --dist loadfile` on two cores) each
worker gwI (I = 0, 1, ...) has its own of everything that one run would share:
- the database: pytest-django names it `test_<name>_gwI` (PostgreSQL), and the SQLite file is in
  the worker's own VAR_DIR (below);
- Redis: the broker's and the page cache's database numbers are those of TEST_REDIS_URL and
  TEST_PAGE_CACHE_URL minus 2*I (the defaults 15 and 14: gw0 15 and 14, gw1 13 and 12, ...,
  gw7 1 and 0; more workers than that is refused). gw0 uses the very databases a serial run does.
  The Celery queue is `dukkan-test-gwI` and the page cache's key prefix `dukkan-test-gwI`: Redis
  tells a tracking client of writes to a key prefix in any database, so each worker tracks its own;
- VAR_DIR: `<TEST_VAR_DIR or the temp folder>/gwI` (mail, media, private files, SQLite), while the
  thumbnail cache (tests/thumbnails.py, written atomically) stays shared in the folder above;
- the fake Stripe server, the live server and Chromium: started by each worker on free ports.
A serial run (`-n 0`, or plain `pytest`) uses the variables as given.

Every key the shop's settings read (each one documented in .env.example) is removed from the
environment before they load, and no `.env` is read (DUKKAN_READ_DOT_ENV=0). Subprocesses that
tests start inherit this clean environment, so they load no `.env` either.
"""

import hashlib
import os
import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTED_KEY = re.compile(r"^#?\s*([A-Z][A-Z0-9_]+)=", re.MULTILINE)


def documented_keys() -> set[str]:
    """Every key .env.example names, set or commented out."""
    return set(DOCUMENTED_KEY.findall((ROOT / ".env.example").read_text(encoding="utf-8")))


for _key in documented_keys() | {"DUKKAN_ENV_FILE", "DJANGO_SETTINGS_MODULE"}:
    os.environ.pop(_key, None)
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ["DUKKAN_READ_DOT_ENV"] = "0"
_checkout = hashlib.sha256(str(ROOT).encode()).hexdigest()[:8]
# The pytest-xdist worker this process is ("gw0", "gw1", ...; "" in a serial run). Subprocesses
# that tests start inherit it, so they use the same worker's folders and databases.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
XDIST_INDEX = int(XDIST_WORKER[2:]) if XDIST_WORKER.startswith("gw") else 0
TEST_VAR_ROOT = Path(
    os.environ.get("TEST_VAR_DIR") or f"/tmp/dukkan-test-var-{os.getuid()}-{_checkout}"
)
os.environ["DUKKAN_VAR_DIR"] = str(TEST_VAR_ROOT / XDIST_WORKER if XDIST_WORKER else TEST_VAR_ROOT)

from shop.settings import *  # noqa: E402, F403
from shop.settings import POSTGRES_PREPARED, STORAGES, env  # noqa: E402


def worker_redis_url(url: str) -> str:
    """The Redis URL for this xdist worker: the database number of `url` minus 2 * its index
    (two databases per worker: the broker's and the page cache's)."""
    if not url or not XDIST_INDEX:
        return url
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    db = base - 2 * XDIST_INDEX
    if db < 0:
        raise ImproperlyConfigured(
            f"pytest-xdist worker {XDIST_WORKER} would need Redis database {db} below {url}: "
            "run fewer workers (-n) or give TEST_REDIS_URL and TEST_PAGE_CACHE_URL higher "
            "database numbers (two per worker, counting down)."
        )
    return urlunsplit(parts._replace(path=f"/{db}"))


# The key prefix and Celery queue name of this run: one per xdist worker.
TEST_NAME = f"dukkan-test-{XDIST_WORKER}" if XDIST_WORKER else "dukkan-test"

# Mode: the embedded default (development), whatever DJANGO_ENV the shell had.
DJANGO_ENV = "development"
PRODUCTION = False
HTTPS = False
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Database: TEST_DATABASE_URL, or the embedded SQLite (pytest-django makes the test database).
TEST_DATABASE_URL = env.str("TEST_DATABASE_URL", default="")
if TEST_DATABASE_URL:
    DATABASES = {
        "default": {
            **env.db_url_config(TEST_DATABASE_URL),
            "ATOMIC_REQUESTS": False,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    }
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        DATABASES["default"]["OPTIONS"] = dict(POSTGRES_PREPARED)  # as production runs
else:
    # The embedded default as `make run` has it: a file (WAL, a busy timeout, IMMEDIATE
    # transactions), so two requests at once (the browser tests' live server) wait for each
    # other as they do in development; an in-memory test database refuses the second writer
    # ("database table is locked") instead.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-dukkan.sqlite3")}  # noqa: F405

# Broker: tests use their own Redis database number and queue name, so a developer's running
# worker never takes a test's task. Tasks run eagerly unless a test starts the real worker.
# Each xdist worker: its own Redis database and queue (see the docstring).
TEST_REDIS_URL = worker_redis_url(env.str("TEST_REDIS_URL", default=""))
CELERY_BROKER_URL = TEST_REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_DEFAULT_QUEUE = TEST_NAME
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The page cache: its own Redis database (TEST_PAGE_CACHE_URL); unset, pages are not cached and
# the page-cache tests skip (fail in CI).
TEST_PAGE_CACHE_URL = worker_redis_url(env.str("TEST_PAGE_CACHE_URL", default=""))
PAGE_CACHE_URL = TEST_PAGE_CACHE_URL
PAGE_CACHE_ENABLED = bool(TEST_PAGE_CACHE_URL)
CACHES["pages"] = (
    {
        "BACKEND": "shop.cache.RedisCache",
        "LOCATION": TEST_PAGE_CACHE_URL,
        "KEY_PREFIX": TEST_NAME,
    }
    if TEST_PAGE_CACHE_URL
    else {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
)
# No quiet hours unless a test sets them: the suite runs at any hour of the day.
NOTIFICATIONS_QUIET_HOURS = (0, 0)
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# Stripe: the local fake server (the `fake_stripe` fixture points the URLs at its port). Without
# that fixture the client points at a closed port, never at a fake server a developer's
# `make run` keeps on the default port (a test would create customers and cards there).
CLOSED_STRIPE_API_BASE = "http://127.0.0.1:9"  # the discard port: nothing listens on it
STRIPE_API_BASE = CLOSED_STRIPE_API_BASE
STRIPE_JS_URL = f"{CLOSED_STRIPE_API_BASE}/js.stripe.com/v3/"
STRIPE_SECRET_KEY = FAKE_STRIPE_SECRET_KEY  # noqa: F405
STRIPE_PUBLISHABLE_KEY = FAKE_STRIPE_PUBLISHABLE_KEY  # noqa: F405
STRIPE_WEBHOOK_SECRET = FAKE_STRIPE_WEBHOOK_SECRET  # noqa: F405
# E-checks: test keys of their own, whatever the environment says.
ECHECK_SEAL_KEY = "test-echeck-seal-key"
ECHECK_ENCRYPTION_KEYS = ["hF1Hk1wq4gOjz3r7ZrR5cYb7h7d2VfXq0k8n3mYlB6U="]
# Thumbnails made once: the same picture at the same size is copied from a content-addressed
# cache under TEST_VAR_DIR instead of being resized and encoded again (tests/thumbnails.py),
# shared by the xdist workers (each writes a thumbnail to a file of its own, then renames it).
THUMBNAIL_CACHE_DIR = TEST_VAR_ROOT / "thumbnail-cache"
# A cold cache encodes WebP with the fastest method (the same format and size).
THUMBNAIL_BACKEND = "tests.thumbnails.ContentAddressedThumbnailBackend"
THUMBNAIL_ENGINE = "tests.thumbnails.FastWebPEngine"
# Browser notifications: a VAPID key pair of this run (never a developer's var/ pair), sending
# only to the tests' fake push service on 127.0.0.1 (tests/fakepush.py).
from tests.vapid import vapid_pair  # noqa: E402

WEB_PUSH_VAPID_PUBLIC_KEY, WEB_PUSH_VAPID_PRIVATE_KEY = vapid_pair()
WEB_PUSH_CONTACT = "mailto:push-test@dukkan.local"
WEB_PUSH_ENDPOINT_HOSTS = ["127.0.0.1"]
