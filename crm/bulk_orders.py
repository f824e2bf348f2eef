"""Bulk order history for benchmarks and large tests (`manage.py seed_orders`).

BYPASSES THE SERVICES: rows are written with `bulk_create` (customers, orders, lines, events,
payments, ledger rows, refunds, returns), consistent with each other but without stock
allocation, messages, invoices or signals. Deterministic: the same `seed` gives the same orders
(numbers `S<seed>-<n>`, so a rerun adds only the missing ones). Correctness tests place orders
through the services instead (tests/crm/history.py).
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from catalog.models import ProductKind, ProductStatus, Variant
from orders.models import Order, OrderEvent, OrderLine, Return, ReturnLine
from orders.states import CancelReason, OrderStatus, ReturnKind, ReturnStatus
from orders.totals import ChargeInput, LineInput, calculate_totals
from payments.models import Payment, PaymentEvent, PaymentPurpose, Refund
from payments.states import PaymentMethod, PaymentStatus, RefundStatus
from shop.models import User

from .customer360.stats import customer_stats_refresh

S = OrderStatus
BATCH = 1000
SHIPPING = Decimal("49.90")
FREE_SHIPPING_ABOVE = Decimal("750.00")
CUSTOMER_EMAIL = "seed-customer-{n}@example.com"
FIRST_NAMES = ["Ayşe", "Mehmet", "Zeynep", "Mustafa", "Elif", "Ahmet", "Emma", "Can", "İpek"]
LAST_NAMES = ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Clarke", "Aydın"]
RETURN_REASONS = [
    "",  # a withdrawal needs no reason
    "Bedeni uymadı.",
    "Renk fotoğraftakinden farklı.",
    "Arrived damaged.",
    "Changed my mind.",
]
_ROAD = [S.CONFIRMED, S.PREPARING, S.PACKED, S.SHIPPED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY]
# The path from placement to each final status (events are written along it), and how often.
PATHS: list[tuple[int, list[str]]] = [
    (55, [*_ROAD, S.DELIVERED]),
    (10, [S.CANCELLED]),  # before payment: expired or failed
    (5, [S.CONFIRMED, S.CANCELLED]),  # by the customer or the shop
    (6, [*_ROAD, S.DELIVERED, S.RETURN_REQUESTED, S.RETURNED]),
    (2, [*_ROAD, S.DELIVERED, S.RETURN_REQUESTED]),
    (4, _ROAD[:2]),
    (4, _ROAD[:3]),
    (5, _ROAD[:5]),
    (4, _ROAD),
    (5, []),  # awaiting payment
]
METHODS = [(55, PaymentMethod.CARD), (30, PaymentMethod.COD), (15, PaymentMethod.WALLET)]


@dataclass(frozen=True)
class Item:
    product_id: int
    variant_id: int
    name: str
    sku: str
    price: Decimal
    vat_rate: Decimal


@dataclass
class Seeded:
    customers: int = 0
    orders: int = 0
    lines: int = 0
    events: int = 0
    payments: int = 0
    ledger: int = 0
    refunds: int = 0
    returns: int = 0
    stats_rows: int = 0


def _weighted(rng: random.Random, choices: list[tuple[int, object]]) -> object:
    return rng.choices([c for _w, c in choices], weights=[w for w, _c in choices])[0]


def catalog_items(limit: int = 500) -> list[Item]:
    """Active physical variants to buy (the demo or benchmark catalog), the same every run."""
    rows = (
        Variant.objects.filter(
            product__kind=ProductKind.PHYSICAL, product__status=ProductStatus.ACTIVE
        )
        .select_related("product")
        .only("sku", "price", "product__name", "product__vat_rate")
        .order_by("pk")[:limit]
    )
    return [
        Item(v.product_id, v.pk, v.product.name, v.sku, v.price, Decimal(v.product.vat_rate))
        for v in rows
    ]


def seed_customers(count: int) -> list[int]:
    """`count` customers seed-customer-0… (made once; reruns reuse them); their ids in order."""
    emails = [CUSTOMER_EMAIL.format(n=n) for n in range(count)]
    existing = _ids_by_email(emails)
    password = make_password(None)  # unusable: nobody signs in as a seeded customer
    missing = []
    for n, email in enumerate(emails):
        if email not in existing:
            rng = random.Random(n)  # noqa: S311 - benchmark data, not security
            missing.append(
                User(
                    email=email,
                    password=password,
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=rng.choice(LAST_NAMES),
                    phone=f"+90532{n % 10_000_000:07d}" if n % 3 else "",
                    language="tr" if n % 4 else "en",
                )
            )
    for start in range(0, len(missing), BATCH):
        User.objects.bulk_create(missing[start : start + BATCH])
    existing = _ids_by_email(emails)
    return [existing[email] for email in emails]


def _ids_by_email(emails: list[str]) -> dict[str, int]:
    """Looked up in batches: PostgreSQL takes at most 65,535 parameters in one statement."""
    found: dict[str, int] = {}
    for start in range(0, len(emails), BATCH * 10):
        part = emails[start : start + BATCH * 10]
        found.update(User.objects.filter(email__in=part).values_list("email", "pk"))
    return found


def seed_orders(
    *,
    orders: int,
    customers: int,
    seed: int = 1,
    customer_ids: list[int] | None = None,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> Seeded:
    """Write `orders` orders spread over `customers` seeded customers (or over `customer_ids`),
    placed over the last two years, in bulk; then refresh those customers' figures."""
    items = catalog_items()
    if not items:
        raise ValueError("No active physical products to order: seed a catalog first.")
    seeded = Seeded()
    ids = customer_ids or seed_customers(customers)
    seeded.customers = len(ids)
    emails = dict(User.objects.filter(pk__in=ids).values_list("pk", "email"))
    now = (now or timezone.now()).replace(microsecond=0)
    prefix = f"S{seed}-"
    taken = set(Order.objects.filter(number__startswith=prefix).values_list("number", flat=True))
    for start in range(0, orders, BATCH):
        numbers = list(range(start, min(start + BATCH, orders)))
        with transaction.atomic():
            _batch(seeded, numbers, ids, emails, items, seed, prefix, taken, now)
        if progress:
            progress(f"{min(start + BATCH, orders)} / {orders} orders")
    seeded.stats_rows = customer_stats_refresh(user_ids=ids)
    return seeded


def _batch(
    seeded: Seeded,
    numbers: list[int],
    ids: list[int],
    emails: dict[int, str],
    items: list[Item],
    seed: int,
    prefix: str,
    taken: set[str],
    now: datetime,
) -> None:
    plans = []
    for n in numbers:
        number = f"{prefix}{n:07d}"
        if number in taken:
            continue
        rng = random.Random(f"{seed}:{n}")  # noqa: S311 - benchmark data, the same every run
        plans.append((number, rng, _plan(rng, ids, items, now)))
    if not plans:
        return
    order_rows = [
        Order(
            number=number,
            user_id=plan["user_id"],
            email=emails[plan["user_id"]],
            phone="",
            language="tr",
            status=plan["status"],
            cancel_reason=plan["cancel_reason"],
            payment_method=plan["method"],
            payment_status=plan["payment_status"],
            currency=settings.SHOP_CURRENCY,
            subtotal=plan["totals"].subtotal,
            shipping=plan["totals"].shipping,
            vat=plan["totals"].vat,
            total=plan["totals"].total,
            vat_breakdown={str(k): str(v) for k, v in plan["totals"].vat_by_rate.items()},
            billing_address={"full_name": "Seed Customer", "lines": ["İstanbul"]},
            shipping_address={"full_name": "Seed Customer", "lines": ["İstanbul"]},
            shipping_method="Standard delivery",
            checkout_token=f"seed-{number}",
            placed_at=plan["placed_at"],
        )
        for number, _rng, plan in plans
    ]
    created = Order.objects.bulk_create(order_rows)
    lines, events, payments = [], [], []
    for order, (_number, _rng, plan) in zip(created, plans, strict=True):
        for item, line in zip(plan["items"], plan["totals"].lines, strict=True):
            lines.append(
                OrderLine(
                    order=order,
                    product_id=item.product_id,
                    variant_id=item.variant_id,
                    product_name=item.name,
                    sku=item.sku,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    vat_rate=line.vat_rate,
                    gross=line.gross,
                    discount=line.discount,
                    total=line.total,
                    vat=line.vat,
                )
            )
        previous = S.PENDING_PAYMENT
        for step, at in zip(plan["path"], plan["times"], strict=True):
            note = "seeded" if step != S.CANCELLED else f"seeded: {plan['cancel_reason']}"
            events.append(
                OrderEvent(
                    order=order, from_status=previous, to_status=step, note=note, created_at=at
                )
            )
            previous = step
        payments.append(
            Payment(
                order=order,
                purpose=PaymentPurpose.ORDER,
                user_id=plan["user_id"],
                method=plan["method"],
                status=plan["payment_status"],
                amount=order.total,
                currency=order.currency,
                reference=f"seed_{order.number}",
                started_at=order.placed_at,
                created_at=order.placed_at,
            )
        )
    created_lines = OrderLine.objects.bulk_create(lines)
    OrderEvent.objects.bulk_create(events)
    Payment.objects.bulk_create(payments)
    lines_of: dict[int, list[OrderLine]] = {}
    for line in created_lines:
        lines_of.setdefault(line.order_id, []).append(line)
    ledger, refunds, refunded_plans = [], [], []
    for payment, order, (_number, _rng, plan) in zip(payments, created, plans, strict=True):
        captured_at = plan["captured_at"]
        if captured_at is not None:
            ledger.append(
                PaymentEvent(
                    payment=payment,
                    kind=PaymentEvent.Kind.CAPTURE,
                    amount=payment.amount,
                    currency=payment.currency,
                    reference=payment.reference,
                    moves_cash=True,
                    idempotency_key=f"seed:capture:{order.number}",
                    created_at=captured_at,
                )
            )
        if plan["status"] == S.RETURNED:
            refunds.append(
                Refund(
                    payment=payment,
                    amount=payment.amount,
                    currency=payment.currency,
                    status=RefundStatus.SUCCEEDED,
                    reason="return",
                    request_key=f"seed-return-{order.number}",
                    created_at=plan["times"][-1],
                )
            )
            refunded_plans.append((payment, order, plan))
    Refund.objects.bulk_create(refunds)
    for refund, (payment, order, _unused) in zip(refunds, refunded_plans, strict=True):
        ledger.append(
            PaymentEvent(
                payment=payment,
                kind=PaymentEvent.Kind.REFUND,
                amount=refund.amount,
                currency=refund.currency,
                refund=refund,
                idempotency_key=f"seed:refund:{order.number}",
                created_at=refund.created_at,
            )
        )
    PaymentEvent.objects.bulk_create(ledger)
    order_returns, return_plans = [], []
    refund_of = {refund.payment_id: refund for refund in refunds}
    for payment, order, (_number, rng, plan) in zip(payments, created, plans, strict=True):
        if plan["status"] not in (S.RETURN_REQUESTED, S.RETURNED):
            continue
        returned = plan["status"] == S.RETURNED
        requested_at = plan["times"][plan["path"].index(S.RETURN_REQUESTED)]
        order_returns.append(
            Return(
                order=order,
                number=f"{order.number}-1",
                kind=ReturnKind.WITHDRAWAL,
                status=ReturnStatus.REFUNDED if returned else ReturnStatus.APPROVED,
                reason=rng.choice(RETURN_REASONS),
                shipping_refund=order.shipping,
                amount=order.total,
                currency=order.currency,
                requested_at=requested_at,
                decided_at=requested_at,
                received_at=plan["times"][-1] if returned else None,
                refunded_at=plan["times"][-1] if returned else None,
                refund_due_by=requested_at + timedelta(days=14),
                refund=refund_of.get(payment.pk),
            )
        )
        return_plans.append(order)
    Return.objects.bulk_create(order_returns)
    ReturnLine.objects.bulk_create(
        ReturnLine(
            order_return=order_return, order_line=line, quantity=line.quantity, amount=line.total
        )
        for order_return, order in zip(order_returns, return_plans, strict=True)
        for line in lines_of[order.pk]
    )
    seeded.orders += len(created)
    seeded.lines += len(created_lines)
    seeded.events += len(events)
    seeded.payments += len(payments)
    seeded.ledger += len(ledger)
    seeded.refunds += len(refunds)
    seeded.returns += len(order_returns)


def _plan(rng: random.Random, ids: list[int], items: list[Item], now: datetime) -> dict:
    """One order's content and story, from its own random stream."""
    path = list(_weighted(rng, PATHS))
    status = path[-1] if path else S.PENDING_PAYMENT
    method = _weighted(rng, METHODS)
    bought = rng.sample(items, k=min(len(items), rng.choice((1, 1, 1, 2, 2, 3, 4))))
    quantities = [rng.choice((1, 1, 1, 2, 3)) for _ in bought]
    base = [
        LineInput(key=str(i), unit_price=item.price, quantity=q, vat_rate=item.vat_rate)
        for i, (item, q) in enumerate(zip(bought, quantities, strict=True))
    ]
    items_total = sum(
        (item.price * q for item, q in zip(bought, quantities, strict=True)), Decimal(0)
    )
    charges = [] if items_total >= FREE_SHIPPING_ABOVE else [ChargeInput("shipping", SHIPPING)]
    totals = calculate_totals(lines=base, charges=charges)
    placed_at = now - timedelta(minutes=rng.randint(60, 2 * 365 * 24 * 60))
    times, at = [], placed_at
    for _step in path:
        at = min(at + timedelta(minutes=rng.randint(20, 36 * 60)), now)
        times.append(at)
    cancel_reason = ""
    if status == S.CANCELLED:
        cancel_reason = (
            rng.choice((CancelReason.EXPIRED, CancelReason.PAYMENT_FAILED))
            if len(path) == 1
            else rng.choice((CancelReason.CUSTOMER, CancelReason.STAFF))
        )
    payment_status, captured_at = _payment(method, status, path, times, placed_at)
    return {
        "user_id": rng.choice(ids),
        "status": status,
        "path": path,
        "times": times,
        "cancel_reason": cancel_reason,
        "method": method,
        "payment_status": payment_status,
        "captured_at": captured_at,
        "items": bought,
        "totals": totals,
        "placed_at": placed_at,
    }


def _payment(
    method: str, status: str, path: list[str], times: list[datetime], placed_at: datetime
) -> tuple[str, datetime | None]:
    """The payment status the order's story leaves, and when money was captured (if it was)."""
    P = PaymentStatus
    if status == S.PENDING_PAYMENT:
        return (P.UNPAID, None)
    if status == S.CANCELLED:
        return (P.FAILED, None) if len(path) == 1 else (P.VOIDED, None)
    if status == S.RETURNED:
        return (
            P.REFUNDED,
            times[path.index(S.DELIVERED)] if method == PaymentMethod.COD else placed_at,
        )
    if method == PaymentMethod.COD:
        delivered = S.DELIVERED in path
        return (P.PAID, times[path.index(S.DELIVERED)]) if delivered else (P.COD_DUE, None)
    return (P.PAID, placed_at)
