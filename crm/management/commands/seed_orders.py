"""`seed_orders --orders N --customers M [--seed S]`: bulk order history for the bench and
large tests. It BYPASSES THE SERVICES (bulk inserts; see crm/bulk_orders/)."""

import time

from django.core.management.base import BaseCommand, CommandError

from crm.bulk_orders import seed_orders


class Command(BaseCommand):
    help = (
        "Write N realistic orders over two years (lines, events, payments by every method, "
        "top-ups, ledger rows, refunds, tabs, e-checks, parcels with carrier events, returns "
        "with reasons, price changes) for M seeded customers and some guests with bulk inserts, "
        "then refresh their figures. It bypasses the order "
        "and payment services: no stock, messages, invoices or signals. Deterministic per "
        "--seed; a rerun adds only the missing orders. For benchmarks and large tests only."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--orders", type=int, default=1000)
        parser.add_argument("--customers", type=int, default=100)
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same orders.")

    def handle(self, *args: object, orders: int, customers: int, seed: int, **options) -> None:
        if orders < 0 or customers < 1:
            raise CommandError("--orders must be 0 or more and --customers at least 1.")
        started = self.started = time.monotonic()
        self.verbosity = int(options.get("verbosity", 1))
        self.stdout.write(
            "seed_orders bypasses the services: bulk inserts, no stock, messages or signals."
        )
        try:
            seeded = seed_orders(
                orders=orders, customers=customers, seed=seed, progress=self._progress
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        rollups = "; analytics rollups rebuilt" if seeded.rollups else ""
        self.stdout.write(
            f"Seeded {seeded.orders} orders ({seeded.summary()}) for {seeded.customers} "
            f"customers in {time.monotonic() - started:.1f} s, bypassing the services; "
            f"{seeded.stats_rows} customer figures refreshed{rollups}."
        )

    def _progress(self, line: str) -> None:
        if self.verbosity > 1:
            self.stdout.write(f"{time.monotonic() - self.started:6.1f} s  {line}")
