"""The database, the caches (the page cache's own Redis among them) and sessions."""

from .base import VAR_DIR, env

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
    # PostgreSQL's JIT compiles a query whose estimated cost is high: the dashboard's grouped
    # reads over 100,000 orders spent 0.2–1.4 s compiling for a 20–300 ms run. The shop's queries
    # are short; compiling never pays here. DATABASE_JIT=true gives it back.
    if not env.bool("DATABASE_JIT", default=False):
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
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

# Anonymous catalog pages, whole, in their own Redis database (shop/pagecache/). Use a Redis
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
