"""`rebuild_analytics`: recompute every analytics rollup from the oldest order to today."""

import time

from django.core.management.base import BaseCommand

from crm.analytics.rollups import analytics_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the dashboard's rollups (daily sales, cancellations, product sales by day "
        "and month, customer months) from the orders and the ledger, a quarter at a time."
    )

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        done = analytics_rebuild()
        if not done:
            self.stdout.write("No days to rebuild.")
            return
        self.stdout.write(
            f"Rebuilt {done[0].first} to {done[-1].last}: "
            f"{sum(part.sales_rows for part in done)} daily sales rows, "
            f"{sum(part.product_rows for part in done)} daily product rows, "
            f"{sum(part.customer_rows for part in done)} customer months "
            f"in {time.monotonic() - started:.1f} s (version {done[-1].version})."
        )
