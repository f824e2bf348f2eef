"""Bulk order history for benchmarks, the analytics dashboard and large tests
(`manage.py seed_orders`).

BYPASSES THE SERVICES: rows are written with `bulk_create` — customers, orders, lines, events,
payments (card, wallet, cash on delivery, e-check, micropayment tab, prepaid balance), balance
top-ups, ledger rows, refunds (whole and partial), tabs with their settlements, e-checks,
balance entries, parcels with carrier events, returns with reason codes, price changes — each
consistent with what the services would write, but without stock allocation, messages,
invoices or signals. Deterministic: the same `seed` (and `now`) gives the same orders (numbers
`S<seed>-<n>`, so a rerun adds only the missing ones). Correctness tests place orders through
the services instead (tests/crm/history.py).

- `shape.py`: the time shape (week, trend, season) and the customers' habits; guests.
- `catalog.py`: what is bought, how popular, at the price of the day (price history).
- `story.py`: one order's story, step by step, up to `now`; `plan.py` its data.
- `tabs.py`: micropayment tabs and settlements; every payment's final status.
- `money.py`, `fulfilment.py`: the rows, in bulk. `seeding.py`: the run.
"""

from .catalog import Item, catalog_items
from .people import seed_customers
from .seeding import Seeded, seed_orders

__all__ = ["Item", "Seeded", "catalog_items", "seed_customers", "seed_orders"]
