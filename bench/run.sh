#!/usr/bin/env bash
# `make bench`: the one benchmark of the shop's pages (see bench/README.md).
# Production mode on plain HTTP, PostgreSQL, Redis (cache and broker) and a page cache in a Redis
# server of its own (LRU), 10,000 products, gunicorn with 2 sync workers, wrk.
# `bash bench/run.sh --check`: prepare the same way, then ask each page once in process.
# `bash bench/run.sh --compare <git-ref>`: prepare once, then that ref's code against this tree's,
# interleaved (bench/compare.py); the ref is checked out into a temporary git worktree.
# Environment: BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_PAGE_CACHE_PORT, BENCH_DURATION (s),
# BENCH_RUNS, BENCH_CONNECTIONS, BENCH_PRODUCTS, BENCH_PLACEMENTS, BENCH_PORT, BENCH_PAGES (only
# these pages, comma-separated labels, and the bare view).
set -euo pipefail
OLD_REF=""
if [ "${1:-}" = "--compare" ]; then
  OLD_REF="${2:?usage: bash bench/run.sh --compare <git-ref>}"
fi
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

PAGE_PORTS=() OLD_ROOT="" OLD_VAR=""
cleanup() {
  for port in "${PAGE_PORTS[@]}"; do
    kill "$(cat "/tmp/dukkan-bench-pages-$port.pid")" 2>/dev/null || true
  done
  if [ -n "$OLD_ROOT" ]; then
    git -C "$ROOT" worktree remove --force "$OLD_ROOT" || true
    rm -rf "$OLD_VAR"
  fi
}
trap cleanup EXIT

page_cache() {  # $1: the port of a Redis server of its own for the page cache
  say "Page cache: its own Redis on 127.0.0.1:$1 (maxmemory 128mb, allkeys-lru)"
  PAGE_PORTS+=("$1")
  redis-server --port "$1" --bind 127.0.0.1 --save "" --appendonly no \
    --maxmemory 128mb --maxmemory-policy allkeys-lru --daemonize yes \
    --pidfile "/tmp/dukkan-bench-pages-$1.pid" >/dev/null
}

python - "$DATABASE_URL" <<'PY'
# Create the benchmark database once.
import sys, urllib.parse, psycopg
url = urllib.parse.urlsplit(sys.argv[1].replace("postgres://", "postgresql://", 1))
name = url.path.lstrip("/")
with psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(f'CREATE DATABASE "{name}"')
PY

page_cache "$PAGE_PORT"
if [ -n "$OLD_REF" ]; then
  # Each side keeps its caches in its own Redis server: page cache in db 0, cache and broker in
  # db 1 (the old code's cached objects may not read in the new code, nor the other way round).
  export REDIS_URL="redis://127.0.0.1:$PAGE_PORT/1"
  page_cache "$((PAGE_PORT + 1))"
  export BENCH_OLD_REF="$OLD_REF"
  export BENCH_OLD_REDIS_URL="redis://127.0.0.1:$((PAGE_PORT + 1))/1"
  export BENCH_OLD_PAGE_CACHE_URL="redis://127.0.0.1:$((PAGE_PORT + 1))/0"
  OLD_COMMIT="$(git -C "$ROOT" rev-parse --verify "$OLD_REF^{commit}")"
  OLD_ROOT="$(mktemp -d /tmp/dukkan-bench-old.XXXXXX)"
  OLD_VAR="$(mktemp -d /tmp/dukkan-bench-old-var.XXXXXX)"
  export BENCH_OLD_ROOT="$OLD_ROOT" BENCH_OLD_VAR_DIR="$OLD_VAR"
  say "Old tree: $OLD_REF (${OLD_COMMIT:0:7}) in $OLD_ROOT"
  git -C "$ROOT" worktree add --quiet --detach "$OLD_ROOT" "$OLD_COMMIT"
  if ! git -C "$ROOT" diff --quiet "$OLD_COMMIT" -- ':(glob)**/migrations/**'; then
    say "Warning: the migrations differ from $OLD_REF's; the old code runs on this tree's schema"
  fi
fi

say "Migrate, static files, ${BENCH_PRODUCTS:-10000} products"
python manage.py migrate -v0
python manage.py collectstatic --no-input -v0
python manage.py seed_catalog --products "${BENCH_PRODUCTS:-10000}"
python manage.py refresh_listings
# Fresh planner statistics and merged GIN pending lists, as autovacuum would leave them (it may be
# off on a test machine): without them PostgreSQL plans listings and search for an empty table.
python manage.py shell -v0 -c "from django.db import connection; connection.vendor == 'postgresql' and connection.cursor().execute('VACUUM ANALYZE')"

if [ -n "$OLD_REF" ]; then
  say "Old tree: its own static files; the media are shared"
  mkdir -p "$DUKKAN_VAR_DIR/media" "$DUKKAN_VAR_DIR/private"
  ln -s "$DUKKAN_VAR_DIR/media" "$OLD_VAR/media"
  ln -s "$DUKKAN_VAR_DIR/private" "$OLD_VAR/private"
  (cd "$OLD_ROOT" && PYTHONPATH="$OLD_ROOT" DUKKAN_VAR_DIR="$OLD_VAR" python manage.py collectstatic --no-input -v0)
fi

say "Measure"
python bench/pages.py "$@"
