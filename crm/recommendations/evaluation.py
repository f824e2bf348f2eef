"""Offline evaluation of the recommenders: hold out each customer's last order, train on the
rest, and count how often the top 10 names something in the held-out order (hit rate @10) and
how much of the catalogue the top 10s reach together (coverage).

The recommenders here are pure functions over baskets that follow the SQL of
`services.bought_together_refresh` and `selectors.recommendations_for` rule for rule (the
measure, the ties, the fallback fill, the consumables); tests/crm/test_evaluation.py checks
that they agree with the database on a hand-built order set. `generated_shop` makes a
deterministic shop with co-purchase structure (bundles within categories, loyal customers,
consumables bought again) for when the demo has too few repeat customers to say much.
"""

import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from .selectors import REBUY_BONUS
from .services import KEPT

TOP = 10


@dataclass(frozen=True)
class Basket:
    customer: int
    order: int  # orders sort by (placed, order)
    placed: datetime | int
    products: frozenset[int]


@dataclass(frozen=True)
class Shop:
    baskets: list[Basket]
    category: dict[int, int]  # active product -> its category
    consumable: frozenset[int] = frozenset()


@dataclass
class Model:
    """What the refresh job keeps, from the training baskets."""

    lists: dict[int, list[tuple[int, float]]]  # product -> [(other, score)], best first
    units: Counter  # product -> orders with it (the best-seller rollup)
    shop: Shop
    best: list[int] = field(default_factory=list)  # every product by units, best first


def train(shop: Shop, baskets: Iterable[Basket]) -> Model:
    orders_with: Counter = Counter()
    together: dict[int, Counter] = defaultdict(Counter)
    for basket in baskets:
        orders_with.update(basket.products)
        for a in basket.products:
            for b in basket.products:
                if a != b:
                    together[a][b] += 1
    lists: dict[int, list[tuple[int, float]]] = {}
    for a, others in together.items():
        scored = [
            (b, n / math.sqrt(orders_with[a] * orders_with[b]), n)
            for b, n in others.items()
            if b in shop.category
        ]
        scored.sort(key=lambda row: (-row[1], -row[2], row[0]))
        lists[a] = [(b, score) for b, score, _n in scored[:KEPT]]
    by_category: dict[int, list[int]] = defaultdict(list)
    best = sorted(
        (p for p in shop.category if orders_with[p] > 0), key=lambda p: (-orders_with[p], p)
    )
    for product in best:
        by_category[shop.category[product]].append(product)
    for product, category in shop.category.items():  # the fallback fill: category best sellers
        listed = lists.setdefault(product, [])
        taken = {other for other, _score in listed}
        for seller in by_category[category]:
            if len(listed) >= KEPT:
                break
            if seller != product and seller not in taken:
                listed.append((seller, 0.0))
    return Model(lists=lists, units=orders_with, shop=shop, best=best)


def _ranked(model: Model, seeds: dict[int, float], leave_out: set[int], bonus: dict[int, float]):
    affinity: dict[int, float] = defaultdict(float)
    place: dict[int, int] = {}
    for seed, weight in seeds.items():
        for position, (other, score) in enumerate(model.lists.get(seed, []), start=1):
            affinity[other] += score * weight
            place[other] = min(place.get(other, position), position)
    for product, extra in bonus.items():
        affinity[product] += extra
    candidates = [p for p in affinity if p not in leave_out and p in model.shop.category]
    candidates.sort(key=lambda p: (-affinity[p], place.get(p, 10**6), -model.units[p], p))
    return candidates[:TOP]


def best_sellers(model: Model, history: list[Basket]) -> list[int]:
    """The baseline: the shop's best sellers, leaving out what the customer bought (as the
    personal recommender does, consumables apart)."""
    bought = _bought(model, history)
    return [p for p in model.best if p not in bought][:TOP]


def bought_together(model: Model, history: list[Basket]) -> list[int]:
    """Co-occurrence alone: the "also bought" block of the customer's latest order (as the cart
    page shows it for those products)."""
    last = history[-1].products
    return _ranked(model, dict.fromkeys(last, 1.0), set(last), {})


def personal(model: Model, history: list[Basket]) -> list[int]:
    """ "Recommended for you" from purchases: every product bought is a seed of weight 1; what
    was bought is left out unless it is a consumable, which is offered again."""
    seeds = {p: 1.0 for basket in history for p in basket.products}
    bought = _bought(model, history)
    rebuy = {p: REBUY_BONUS for p in seeds if p in model.shop.consumable}
    return _ranked(model, seeds, bought, rebuy)


def _bought(model: Model, history: list[Basket]) -> set[int]:
    return {p for basket in history for p in basket.products if p not in model.shop.consumable}


RECOMMENDERS: dict[str, Callable[[Model, list[Basket]], list[int]]] = {
    "co-occurrence (also bought)": bought_together,
    "personal (recommended for you)": personal,
    "best sellers (baseline)": best_sellers,
}


@dataclass(frozen=True)
class Figures:
    customers: int  # held out: customers with two orders or more
    hit_rate: float
    coverage: float


def evaluate(shop: Shop) -> dict[str, Figures]:
    """Hold out each repeat customer's last order, train on every other order, and score."""
    by_customer: dict[int, list[Basket]] = defaultdict(list)
    for basket in shop.baskets:
        by_customer[basket.customer].append(basket)
    held_out: dict[int, Basket] = {}
    for customer, baskets in by_customer.items():
        baskets.sort(key=lambda b: (b.placed, b.order))
        if len(baskets) >= 2:
            held_out[customer] = baskets.pop()
    model = train(shop, (b for baskets in by_customer.values() for b in baskets))
    figures = {}
    for name, recommend in RECOMMENDERS.items():
        hits, shown = 0, set()
        for customer, target in held_out.items():
            top = recommend(model, by_customer[customer])
            shown.update(top)
            hits += bool(target.products & set(top))
        figures[name] = Figures(
            customers=len(held_out),
            hit_rate=hits / len(held_out) if held_out else 0.0,
            coverage=len(shown) / len(shop.category) if shop.category else 0.0,
        )
    return figures


def generated_shop(
    *, seed: int = 31, customers: int = 600, categories: int = 8, per_category: int = 25
) -> Shop:
    """A deterministic shop with co-purchase structure: each category has bundles of 3 to 5
    products that go together (a kettle, its filters, a mug), often bought over several orders
    (the kettle first, the mug later); popularity falls off by rank; each customer keeps to one
    or two categories; a tenth of the products are consumables bought again; a third of the
    orders are, or include, popular products unrelated to the rest."""
    rng = random.Random(seed)  # noqa: S311 - evaluation data, the same every run
    category: dict[int, int] = {}
    bundles: dict[int, list[list[int]]] = defaultdict(list)
    product = 0
    for cat in range(categories):
        items = list(range(product + 1, product + per_category + 1))
        product += per_category
        category.update(dict.fromkeys(items, cat))
        rng.shuffle(items)
        while items:
            size = rng.choice((3, 4, 5))
            if len(items) - size < 3:
                size = len(items)  # no bundle of fewer than three
            bundles[cat].append(items[:size])
            items = items[size:]
    everything = sorted(category)
    popularity = [1 / (rank + 1) ** 0.8 for rank in range(len(everything))]
    popular = rng.sample(everything, len(everything))  # popularity ranks in random order
    consumable = frozenset(rng.sample(everything, len(everything) // 10))
    baskets, order = [], 0
    for customer in range(1, customers + 1):
        favourites = rng.sample(range(categories), rng.choice((1, 2)))
        bought: set[int] = set()
        started: list[list[int]] = []  # bundles begun and not finished
        for placed in range(1 + min(int(rng.expovariate(1 / 2.5)), 12)):
            items: set[int] = set()
            choice = rng.random()
            if started and choice < 0.4:  # completes a bundle begun earlier
                rest = [p for p in rng.choice(started) if p not in bought]
                items.update(rng.sample(rest, min(len(rest), rng.randint(1, 2))))
            elif choice < 0.75:  # begins a bundle of a favourite category
                bundle = rng.choice(bundles[rng.choice(favourites)])
                items.update(rng.sample(bundle, rng.randint(1, len(bundle) - 1)))
                started.append(bundle)
            else:
                items.update(rng.choices(popular, weights=popularity, k=rng.randint(1, 2)))
            items.update(p for p in bought & consumable if rng.random() < 0.3)
            if rng.random() < 0.3:
                items.update(rng.choices(popular, weights=popularity, k=1))
            order += 1
            baskets.append(Basket(customer, order, placed, frozenset(items)))
            bought |= items
            started = [b for b in started if not set(b) <= bought]
    return Shop(baskets=baskets, category=category, consumable=consumable)


def shop_from_database() -> Shop:
    """The shop's own accepted orders of signed-in customers (the demo's, or seed_orders'),
    and its active products. Two queries; the baskets are built in Python."""
    from catalog.models import Product, ProductStatus
    from orders.models import OrderLine

    from .services import NOT_BOUGHT

    rows = (
        OrderLine.objects.filter(order__user__isnull=False)
        .exclude(order__status__in=NOT_BOUGHT)
        .values_list("order__user_id", "order_id", "order__placed_at", "product_id")
        .order_by()
    )
    lines: dict[tuple[int, int, datetime], set[int]] = defaultdict(set)
    for customer, order, placed, product in rows.iterator(chunk_size=5000):
        lines[(customer, order, placed)].add(product)
    active = Product.objects.filter(status=ProductStatus.ACTIVE)
    category, consumable = {}, set()
    for pk, category_id, is_consumable in active.values_list("pk", "category_id", "is_consumable"):
        category[pk] = category_id
        if is_consumable:
            consumable.add(pk)
    baskets = [
        Basket(customer, order, placed, frozenset(products))
        for (customer, order, placed), products in lines.items()
    ]
    return Shop(baskets=baskets, category=category, consumable=frozenset(consumable))
