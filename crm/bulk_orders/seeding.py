"""`seed_orders`: plan every missing order first (pure Python, deterministic per seed), group the
tab orders into tabs, then write everything in batches of bulk inserts in one transaction."""

import gc
import random
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from orders.models import (
    Order,
    OrderEvent,
    OrderLine,
    Return,
    ReturnLine,
    Shipment,
    ShipmentEvent,
    ShipmentLine,
)
from payments.models import (
    BalanceAccount,
    BalanceEntry,
    ECheck,
    Payment,
    PaymentEvent,
    Refund,
    Tab,
)

from ..customer360.stats import customer_stats_refresh
from .catalog import Shelf, catalog_items, price_history_seed, small_items
from .fulfilment import returns_write, shipments_write
from .money import payments_write, tabs_write
from .people import carriers_in_use, emails_by_id, seed_customers
from .plan import Plan
from .rows import Tables
from .shape import Clock, Customers, guest_email
from .story import order_plan
from .tabs import payment_status, tabs_plan

BATCH = 5000
ZERO = Decimal(0)
ADDRESS = {"full_name": "Seed Customer", "lines": ["İstanbul"]}
METHOD_NAMES = {"tr": "Standart teslimat", "en": "Standard delivery"}
# In the order they are flushed (the foreign keys are checked at commit anyway).
WRITTEN = [
    Tab,
    Order,
    OrderLine,
    OrderEvent,
    Payment,
    Refund,
    PaymentEvent,
    ECheck,
    BalanceAccount,
    BalanceEntry,
    Shipment,
    ShipmentLine,
    ShipmentEvent,
    Return,
    ReturnLine,
]


@dataclass
class Seeded:
    """What one run wrote (rows new in this run), for the command's report."""

    customers: int = 0
    orders: int = 0
    guest_orders: int = 0
    lines: int = 0
    events: int = 0
    payments: int = 0
    top_ups: int = 0
    ledger: int = 0
    refunds: int = 0
    tabs: int = 0
    echecks: int = 0
    balance_entries: int = 0
    shipments: int = 0
    shipment_lines: int = 0
    shipment_events: int = 0
    returns: int = 0
    return_lines: int = 0
    price_changes: int = 0
    carriers: int = 0
    stats_rows: int = 0
    rollups: str = ""

    def add(self, name: str, rows: int) -> None:
        setattr(self, name, getattr(self, name) + rows)

    def summary(self) -> str:
        return ", ".join(
            f"{getattr(self, f.name)} {f.name.replace('_', ' ')}"
            for f in fields(self)
            if f.name not in ("orders", "customers", "stats_rows", "rollups")
        )


def seed_orders(
    *,
    orders: int,
    customers: int,
    seed: int = 1,
    customer_ids: list[int] | None = None,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> Seeded:
    """Write `orders` orders over the last two years for `customers` seeded customers and some
    guests (or for the accounts `customer_ids`, then without guests or tabs), in bulk; then
    refresh the customers' figures (and the analytics rollups, when they exist)."""
    items = catalog_items()
    if not items:
        raise ValueError("No active physical products to order: seed a catalog first.")
    seeded = Seeded()
    now = (now or timezone.now()).replace(microsecond=0)
    say = progress or (lambda _line: None)
    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of small objects that live to the end: no cycles to find
    try:
        ids = _seed(seeded, items, orders, customers, seed, customer_ids, now, say)
    finally:
        if collecting:
            gc.enable()
    say("committed")
    # Many customers: one full pass (set-based) is quicker than naming each of them.
    seeded.stats_rows = customer_stats_refresh(user_ids=ids if len(ids) <= 1000 else None)
    say("customer figures refreshed")
    if seeded.orders:  # a rerun that added nothing changed no day
        seeded.rollups = _rollups_rebuild()
    return seeded


def _seed(
    seeded: Seeded,
    items: list,
    orders: int,
    customers: int,
    seed: int,
    customer_ids: list[int] | None,
    now: datetime,
    say: Callable[[str], None],
) -> list[int]:
    """Everything written in one transaction; the customers' ids."""
    with transaction.atomic():
        ids = customer_ids or seed_customers(customers)
        seeded.customers = len(ids)
        say(f"{len(ids)} customers ready")
        small = small_items()
        seeded.price_changes = price_history_seed(items=items, also=small, now=now)
        carriers, seeded.carriers = carriers_in_use()
        plans = _plans(orders, ids, seed, now, items, small, guests=customer_ids is None)
        say(f"{len(plans)} orders planned")
        tabs = tabs_plan(plans, now=now, zone=Clock(now).zone)
        for plan in plans:
            plan.payment_status = payment_status(plan)
        tables = Tables(WRITTEN, now)
        tabs_write(tabs, tables, seeded.add)
        for start in range(0, len(plans), BATCH):
            _batch(plans[start : start + BATCH], carriers, tables, seeded)
            say(f"{min(start + BATCH, len(plans))} / {len(plans)} orders written")
        tables.finish()
    return ids


def _plans(
    orders: int,
    ids: list[int],
    seed: int,
    now: datetime,
    items: list,
    small: list,
    *,
    guests: bool,
) -> list[Plan]:
    prefix = f"S{seed}-"
    taken = set(Order.objects.filter(number__startswith=prefix).values_list("number", flat=True))
    emails = emails_by_id(ids)
    # One unsettled tab per customer: no tab orders for one who has one already (or for
    # accounts given by the caller, whose tabs are theirs).
    busy = set()
    if guests:
        busy = set(Tab.objects.exclude(status=Tab.Status.SETTLED).values_list("user_id", flat=True))
    clock, shelf = Clock(now), Shelf(items, small)
    people = Customers(ids, seed, guests=guests)
    plans = []
    for n in range(orders):
        number = f"{prefix}{n:07d}"
        if number in taken:
            continue
        rng = random.Random(f"{seed}:{n}")  # noqa: S311 - benchmark data, the same every run
        index, habit = people.pick(rng)
        if habit is None:
            user_id, email, placed_at = None, guest_email(index, rng), clock.draw(rng)
        else:
            user_id = ids[index]
            email, placed_at = emails[user_id], clock.draw(rng, habit.first, habit.last)
        plans.append(
            order_plan(
                n=n,
                number=number,
                rng=rng,
                user_id=user_id,
                email=email,
                placed_at=placed_at,
                shelf=shelf,
                tab_allowed=guests and user_id not in busy,
                clock=clock,
            )
        )
    return plans


def _batch(plans: list[Plan], carriers: list, t: Tables, seeded: Seeded) -> None:
    orders, lines_of = [], []
    for plan in plans:
        promise = plan.promise
        order = t[Order].add(
            number=plan.number,
            user_id=plan.user_id,
            email=plan.email,
            language="tr",
            status=plan.status,
            cancel_reason=plan.cancel_reason,
            payment_method=plan.method,
            payment_status=plan.payment_status,
            currency=settings.SHOP_CURRENCY,
            subtotal=plan.subtotal,
            discount=ZERO,
            shipping=plan.shipping,
            fees=ZERO,
            vat=plan.vat,
            total=plan.total,
            vat_breakdown=plan.vat_breakdown,
            billing_address=ADDRESS,
            shipping_address=ADDRESS,
            shipping_method="Standard delivery",
            shipping_method_names=METHOD_NAMES,
            promised_ship_by=promise.ship_by,
            promised_from=promise.start,
            promised_to=promise.end,
            promised_days_min=promise.days_min,
            promised_days_max=promise.days_max,
            checkout_token=f"seed-{plan.number}",
            placed_at=plan.placed_at,
            expires_at=plan.expires_at,
            needs_review=plan.needs_review,
            review_note=plan.review_note,
        )
        orders.append(order)
        lines = [
            t[OrderLine].add(
                order_id=order,
                product_id=line.item.product_id,
                variant_id=line.item.variant_id,
                product_name=line.item.name,
                sku=line.item.sku,
                quantity=line.quantity,
                unit_price=line.unit_price,
                vat_rate=line.vat_rate,
                gross=line.gross,
                discount=line.discount,
                total=line.total,
                vat=line.vat,
            )
            for line in plan.lines
        ]
        lines_of.append(lines)
        for from_status, to_status, at, note, kind in plan.events:
            t[OrderEvent].add(
                order_id=order,
                from_status=from_status,
                to_status=to_status,
                note=note,
                kind=kind,
                created_at=at,
            )
        seeded.add("lines", len(lines))
        seeded.add("events", len(plan.events))
    refunds = payments_write(plans, orders, t, seeded.add)
    for plan, order, lines in zip(plans, orders, lines_of, strict=True):
        parcels, parcel_lines, parcel_events = shipments_write(plan, order, lines, carriers, t)
        seeded.add("shipments", parcels)
        seeded.add("shipment_lines", parcel_lines)
        seeded.add("shipment_events", parcel_events)
        if plan.ret is not None:
            seeded.add("return_lines", returns_write(plan, order, lines, refunds, t))
            seeded.add("returns", 1)
    t.flush()
    seeded.add("orders", len(orders))
    seeded.add("guest_orders", sum(1 for plan in plans if plan.user_id is None))


def _rollups_rebuild() -> str:
    """The analytics rollups rebuilt from scratch (`rebuild_analytics`): the seeded days are
    closed days the periodic jobs would not revisit."""
    from crm.analytics.rollups import analytics_rebuild

    done = analytics_rebuild()
    return f"{len(done)} periods"
