.PHONY: run test lint bench

# Set up and serve the shop at http://127.0.0.1:8000 (demo data, fake Stripe, admin login printed).
run:
	bash scripts/run.sh

# Install the test extras, lint, and run the whole suite.
test:
	bash scripts/test.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

# The benchmark: every main page against a bare view, in production mode (see bench/README.md).
bench:
	bash bench/run.sh
