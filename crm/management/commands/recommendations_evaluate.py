"""`recommendations_evaluate [--source database|generated|both] [--seed S]`: hold out each
customer's last order, train on the rest, and print hit rate @10 and catalogue coverage of the
co-occurrence, personal and best-seller recommenders (docs/recommendations.md). Reads only."""

from django.core.management.base import BaseCommand

from crm.recommendations.evaluation import (
    TOP,
    Shop,
    evaluate,
    generated_shop,
    shop_from_database,
)


class Command(BaseCommand):
    help = (
        "Offline evaluation of the recommenders: each repeat customer's last order held out, "
        f"hit rate @{TOP} and catalogue coverage, on this database's orders (the demo's or "
        "seed_orders') and on a generated shop with co-purchase structure. Writes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--source", choices=["database", "generated", "both"], default="both")
        parser.add_argument("--seed", type=int, default=31, help="The generated shop's seed.")

    def handle(self, *args: object, source: str, seed: int, **options) -> None:
        if source in ("database", "both"):
            self._report("This database's orders", shop_from_database())
        if source in ("generated", "both"):
            self._report(f"Generated orders (seed {seed})", generated_shop(seed=seed))

    def _report(self, title: str, shop: Shop) -> None:
        figures = evaluate(shop)
        held_out = next(iter(figures.values())).customers
        customers = len({basket.customer for basket in shop.baskets})
        self.stdout.write(
            f"{title}: {len(shop.baskets)} orders of {customers} customers, "
            f"{len(shop.category)} active products; {held_out} last orders held out."
        )
        self.stdout.write(f"  {'recommender':34} {'hit rate @' + str(TOP):>12} {'coverage':>9}")
        for name, row in figures.items():
            self.stdout.write(f"  {name:34} {row.hit_rate:>12.1%} {row.coverage:>9.1%}")
        if not held_out:
            self.stdout.write("  (no customer has two orders: nothing to hold out)")
