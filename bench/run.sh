#!/usr/bin/env bash
# `make bench`: the one benchmark of the shop's pages (see bench/README.md).
# Production mode on plain HTTP, PostgreSQL, Redis (cache and broker) and a page cache in a Redis
# server of its own (LRU), 10,000 products, gunicorn with 2 sync workers, wrk.
# Environment: BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_PAGE_CACHE_PORT, BENCH_DURATION (s),
# BENCH_RUNS, BENCH_CONNECTIONS, BENCH_PRODUCTS.
set -euo pipefail
export DUKKAN_READ_DOT_ENV=0
source "$(dirname "$0")/../scripts/common.sh"
ensure_venv test

if ! command -v wrk >/dev/null 2>&1; then
  say "Installing wrk (apt)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

export DJANGO_ENV=production DJANGO_HTTPS=false BENCH_BARE_VIEW=true LOG_LEVEL=WARNING
export DJANGO_SECRET_KEY="bench-only-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/dukkan_bench}"
export REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/2}"
export DUKKAN_VAR_DIR="${BENCH_VAR_DIR:-$ROOT/var/bench}"
PAGE_PORT="${BENCH_PAGE_CACHE_PORT:-6390}"
export PAGE_CACHE_URL="redis://127.0.0.1:$PAGE_PORT/0"

python - "$DATABASE_URL" <<'PY'
# Create the benchmark database once.
import sys, urllib.parse, psycopg
url = urllib.parse.urlsplit(sys.argv[1].replace("postgres://", "postgresql://", 1))
name = url.path.lstrip("/")
with psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(f'CREATE DATABASE "{name}"')
PY

say "Page cache: its own Redis on 127.0.0.1:$PAGE_PORT (maxmemory 128mb, allkeys-lru)"
redis-server --port "$PAGE_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  --maxmemory 128mb --maxmemory-policy allkeys-lru --daemonize yes \
  --pidfile "/tmp/dukkan-bench-pages-$PAGE_PORT.pid" >/dev/null
trap 'kill "$(cat /tmp/dukkan-bench-pages-'"$PAGE_PORT"'.pid)" 2>/dev/null || true' EXIT

say "Migrate, static files, ${BENCH_PRODUCTS:-10000} products"
python manage.py migrate -v0
python manage.py collectstatic --no-input -v0
python manage.py seed_catalog --products "${BENCH_PRODUCTS:-10000}"
python manage.py refresh_listings
# Fresh planner statistics and merged GIN pending lists, as autovacuum would leave them (it may be
# off on a test machine): without them PostgreSQL plans listings and search for an empty table.
python manage.py shell -v0 -c "from django.db import connection; connection.vendor == 'postgresql' and connection.cursor().execute('VACUUM ANALYZE')"

say "Measure"
python bench/pages.py "$@"
