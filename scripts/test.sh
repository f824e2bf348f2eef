#!/usr/bin/env bash
# Install the test extras, lint, and run the whole suite.
# Uses PostgreSQL and Redis on 127.0.0.1 when they answer (and insists on them when CI=true);
# without them the suite runs on SQLite and the tests that need a service are skipped, saying why.
# Hermetic: no `.env` is read (DUKKAN_READ_DOT_ENV=0) and tests/settings.py drops every shop
# setting from the environment; only TEST_DATABASE_URL, TEST_REDIS_URL, TEST_PAGE_CACHE_URL and
# TEST_VAR_DIR count.
export DUKKAN_READ_DOT_ENV=0
source "$(dirname "$0")/common.sh"

ensure_venv test

say "Lint (ruff)"
ruff check .
ruff format --check .

if command -v msgfmt >/dev/null 2>&1; then compile_translations; fi

CI="${CI:-false}"
PG_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/dukkan}"
REDIS_URL_FOR_TESTS="${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}"
# The page cache's own Redis database (never the broker's): unless told, the one below the
# broker's on the same server (redis://127.0.0.1:6379/14 by default).
db_below() { python - "$1" <<'PY'
import sys, urllib.parse
url = urllib.parse.urlsplit(sys.argv[1])
db = int(url.path.strip("/") or 0)
if db < 1:
    sys.exit(f"TEST_REDIS_URL {sys.argv[1]} uses database 0: set TEST_PAGE_CACHE_URL too")
print(url._replace(path=f"/{db - 1}").geturl())
PY
}
PAGE_CACHE_URL_FOR_TESTS="${TEST_PAGE_CACHE_URL:-$(db_below "$REDIS_URL_FOR_TESTS")}"

pg_up() { python - "$PG_URL" <<'PY'
# The test database is created by the suite; probe the server through its maintenance database.
import sys, urllib.parse, psycopg
url = urllib.parse.urlsplit(sys.argv[1].replace("postgres://", "postgresql://", 1))
try:
    psycopg.connect(url._replace(path="/postgres").geturl(), connect_timeout=3).close()
except Exception:
    sys.exit(1)
PY
}
redis_up() { python - "$REDIS_URL_FOR_TESTS" <<'PY'
import sys, redis
try:
    redis.Redis.from_url(sys.argv[1], socket_connect_timeout=2).ping()
except Exception:
    sys.exit(1)
PY
}

if [ "$CI" = "true" ]; then
  if ! pg_up && command -v pg_ctlcluster >/dev/null 2>&1; then
    say "Starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    sleep 2
  fi
  if ! redis_up && command -v redis-server >/dev/null 2>&1; then
    say "Starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
    sleep 1
  fi
fi

if pg_up; then
  export TEST_DATABASE_URL="$PG_URL"
  say "Database: PostgreSQL ($PG_URL)"
else
  unset TEST_DATABASE_URL || true
  say "Database: SQLite (PostgreSQL not reachable at $PG_URL)"
fi
if redis_up; then
  export TEST_REDIS_URL="$REDIS_URL_FOR_TESTS"
  export TEST_PAGE_CACHE_URL="$PAGE_CACHE_URL_FOR_TESTS"
  say "Broker: Redis ($REDIS_URL_FOR_TESTS), page cache: $PAGE_CACHE_URL_FOR_TESTS"
else
  unset TEST_REDIS_URL TEST_PAGE_CACHE_URL || true
  say "Broker: none (Redis not reachable at $REDIS_URL_FOR_TESTS): broker tests will be skipped"
fi

if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  say "Installing Debian's Chromium for the browser tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "Could not install chromium; browser tests will be skipped." >&2
fi

if [ "$CI" = "true" ]; then
  # In CI a missing service is a failure, never a skip.
  export DUKKAN_REQUIRE_SERVICES=1
  if [ -z "${TEST_DATABASE_URL:-}" ] || [ -z "${TEST_REDIS_URL:-}" ]; then
    echo "CI=true: PostgreSQL and Redis must both be reachable (see above); refusing to run." >&2
    exit 1
  fi
fi

# In parallel, one pytest-xdist worker per core (at most 8: each worker takes two Redis databases
# counting down from TEST_REDIS_URL's and TEST_PAGE_CACHE_URL's, tests/settings.py), a whole test
# file per worker at a time (--dist loadfile), so a module's seeded data is made once. A later
# `-n 0` in the arguments runs serially (for a debugger or `-x` on the first failure).
WORKERS="$(nproc 2>/dev/null || echo 1)"
if [ "$WORKERS" -gt 8 ]; then WORKERS=8; fi
if [ "$WORKERS" -lt 2 ]; then WORKERS=0; fi

say "Tests ($([ "$WORKERS" = 0 ] && echo serial || echo "$WORKERS workers"))"
python -m pytest -n "$WORKERS" --dist loadfile "$@"
