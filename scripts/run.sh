#!/usr/bin/env bash
# Set up and serve the shop at http://127.0.0.1:8000 with demo data and the fake Stripe server.
source "$(dirname "$0")/common.sh"

ensure_venv local
mkdir -p var
if command -v msgfmt >/dev/null 2>&1; then
  say "Compiling translations"
  compile_translations
fi
say "Migrating the database"
python manage.py migrate --no-input -v 0
# Browser notifications: a development VAPID key pair in var/, made once (the environment's
# WEB_PUSH_VAPID_* keys win; production never reads this file).
python manage.py web_push_keys --dev

PIDS=()
trap 'for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done' EXIT INT TERM

# Started before the demo data: the demo customer's saved card is made on it (afresh each run).
FAKE_STRIPE_PORT="${FAKE_STRIPE_PORT:-8420}"
if [ -z "${STRIPE_SECRET_KEY:-}" ]; then
  say "Starting the fake Stripe server on 127.0.0.1:$FAKE_STRIPE_PORT"
  python manage.py fake_stripe --port "$FAKE_STRIPE_PORT" > var/fake_stripe.log 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$FAKE_STRIPE_PORT") 2>/dev/null && break
    sleep 0.1
  done
fi

say "Loading demo data"
python manage.py seed_demo

# Without a broker (Celery eager) the periodic jobs of shop/celery.py run in this process; with
# REDIS_URL set it only says to run `celery -A shop beat` (and a worker) instead.
say "Running the periodic jobs (log: var/periodic_jobs.log)"
python manage.py run_periodic_jobs > var/periodic_jobs.log 2>&1 &
PIDS+=($!)

say "Serving Dükkan at http://127.0.0.1:8000  (admin at http://127.0.0.1:8000/admin/)"
python manage.py runserver 127.0.0.1:8000
