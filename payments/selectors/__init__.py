"""Reads of the payments app: the customer's pages (saved cards, statement, tab) and staff's
reconciliation by method and day."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate

from shop.models import User
from shop.money import ZERO, to_money

from ..models import (
    BalanceAccount,
    BalanceEntry,
    Payment,
    PaymentEvent,
    PaymentPurpose,
    ReconciliationItem,
    SavedCard,
    StripeEvent,
    Tab,
)
from ..states import PaymentStatus

STATEMENT_LENGTH = 100


def saved_cards_of(*, user: User) -> QuerySet[SavedCard]:
    return SavedCard.objects.filter(user=user).order_by("-is_default", "-created_at", "pk")


def saved_card_of(*, user: User, pk: object) -> SavedCard | None:
    try:
        return SavedCard.objects.filter(user=user, pk=int(str(pk))).first()
    except ValueError:
        return None


@dataclass(frozen=True)
class StatementLine:
    entry: BalanceEntry
    balance_after: Decimal


@dataclass(frozen=True)
class Statement:
    balance: Decimal
    lines: list[StatementLine]


def balance_statement(*, user: User) -> Statement:
    """The balance and its latest entries, newest first, each with the balance after it."""
    balance = (
        BalanceEntry.objects.filter(account__user=user).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    entries = list(
        BalanceEntry.objects.filter(account__user=user)
        .select_related("payment__order")
        .order_by("-created_at", "-pk")[:STATEMENT_LENGTH]
    )
    lines, running = [], balance
    for entry in entries:
        lines.append(StatementLine(entry=entry, balance_after=running))
        running -= entry.amount
    return Statement(balance=balance, lines=lines)


def left_on_tab() -> ExpressionWrapper:
    """Per payment: its amount less the refunds taken off the open tab (what a settlement
    charges for it); an expression for `annotate` or `Sum`."""
    taken_off = (
        PaymentEvent.objects.filter(
            payment=OuterRef("pk"),
            kind=PaymentEvent.Kind.REFUND_OFF_TAB,
        )
        .values("payment")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(max_digits=12, decimal_places=2)
    taken = Coalesce(Subquery(taken_off, output_field=money), Value(ZERO), output_field=money)
    return ExpressionWrapper(F("amount") - taken, output_field=money)


def tab_page(*, user: User) -> dict:
    """The current tab with its items and total, and the last tabs paid."""
    tabs = list(Tab.objects.filter(user=user).order_by("-opened_at")[:6])
    current = next((t for t in tabs if t.status != Tab.Status.SETTLED), None)
    items = list(
        Payment.objects.filter(tab__in=tabs, purpose=PaymentPurpose.ORDER)
        .exclude(status=PaymentStatus.VOIDED)
        .annotate(left=left_on_tab())
        .select_related("order")
        .order_by("created_at", "pk")
    )
    by_tab: dict[int, list[Payment]] = {}
    for item in items:
        by_tab.setdefault(item.tab_id, []).append(item)
    for tab in tabs:
        tab.items = by_tab.get(tab.pk, [])
        tab.total = sum((i.left for i in tab.items), ZERO)
    # A settlement the customer began on "My tab" may wait for their bank (3-D Secure).
    waiting = (
        current is not None
        and current.status == Tab.Status.SETTLING
        and Payment.objects.filter(
            tab=current,
            purpose=PaymentPurpose.TAB_SETTLEMENT,
            status=PaymentStatus.REQUIRES_ACTION,
        ).exists()
    )
    return {
        "current": current,
        "waiting": waiting,
        "paid": [t for t in tabs if t.status == Tab.Status.SETTLED],
    }


@dataclass(frozen=True)
class DayRow:
    """Money per method and day, as the ledger says (the reconciliation page and its CSV)."""

    day: object
    method: str
    captured: Decimal
    refunded: Decimal
    pending: Decimal
    failed: int
    differences: int


# Accepted, money still to come (a card hold, cash at the door, a clearing check, the tab).
_PENDING = (
    PaymentStatus.AUTHORIZED,
    PaymentStatus.COD_DUE,
    PaymentStatus.CLEARING,
    PaymentStatus.ON_TAB,
)


def daily_money(*, since: object, until: object) -> list[DayRow]:
    """Captured, refunded, pending and failed per method and local day, in three queries.

    Captured and refunded are cash that moved (at Stripe, in the till, in the bank): a tab's
    charge counts once, under its settlement, and a refund taken off an open tab not at all.
    """
    events = (
        PaymentEvent.objects.filter(created_at__gte=since, created_at__lt=until)
        .annotate(day=TruncDate("created_at"))
        .values("day", "payment__method", "kind", "moves_cash")
        .annotate(total=Sum("amount"), count=Count("pk"))
    )
    pending = (
        Payment.objects.filter(created_at__gte=since, created_at__lt=until, status__in=_PENDING)
        .annotate(day=TruncDate("created_at"))
        .values("day", "method")
        .annotate(total=Sum("amount"))
    )
    differences = (
        ReconciliationItem.objects.filter(found_at__gte=since, found_at__lt=until)
        .annotate(day=TruncDate("found_at"))
        .values("day", "payment__method")
        .annotate(count=Count("pk"))
    )
    rows: dict[tuple, dict] = {}

    def row(day: object, method: str | None) -> dict:
        key = (day, method or "")
        return rows.setdefault(
            key,
            {"captured": ZERO, "refunded": ZERO, "pending": ZERO, "failed": 0, "differences": 0},
        )

    for item in events:
        target = row(item["day"], item["payment__method"])
        if not item["moves_cash"]:
            continue
        # Rounded to the kuruş: SQLite sums decimals as floats ('149.900000000000').
        if item["kind"] == PaymentEvent.Kind.CAPTURE:
            target["captured"] += to_money(item["total"])
        elif item["kind"] == PaymentEvent.Kind.REFUND:
            target["refunded"] += to_money(item["total"])
        elif item["kind"] in (PaymentEvent.Kind.RETURN, PaymentEvent.Kind.CORRECTION):
            # Taken back by the bank (a returned e-check), or a capture recorded too high and
            # corrected by staff: less cash came in, shown on the day it was found.
            target["captured"] -= to_money(item["total"])
        elif item["kind"] in (PaymentEvent.Kind.FAILURE, PaymentEvent.Kind.BOUNCE):
            target["failed"] += item["count"]
    for item in pending:
        row(item["day"], item["method"])["pending"] += to_money(item["total"])
    for item in differences:
        row(item["day"], item["payment__method"])["differences"] += item["count"]
    return [
        DayRow(day=day, method=method, **values)
        for (day, method), values in sorted(rows.items(), key=lambda kv: (kv[0][0], kv[0][1]))
    ]


# One sweep queues at most this many lost webhook events; the next sweep takes the rest.
LOST_EVENTS_PER_SWEEP = 500


def stripe_event_ids_lost(*, received_before: datetime) -> list[int]:
    """Webhook events stored before this moment and still not processed, oldest first."""
    return list(
        StripeEvent.objects.filter(processed_at__isnull=True, received_at__lt=received_before)
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)[:LOST_EVENTS_PER_SWEEP]
    )


@dataclass(frozen=True)
class MoneyHeld:
    """What the shop holds for or is owed by a customer: the prepaid balance and the unpaid tab."""

    balance: Decimal
    tab_status: str  # "" when no tab is unpaid
    tab_total: Decimal


def money_held(*, user: User, lock: bool = False) -> MoneyHeld:
    """The prepaid balance and the tab not yet paid (open, being settled or declined).

    With `lock`, inside the caller's transaction, the balance account and the unpaid tab stay
    locked until it ends (balance before tab, as at checkout), so no money arrives meanwhile.
    """
    if lock:
        list(BalanceAccount.objects.select_for_update().filter(user=user).values_list("pk"))
        list(
            Tab.objects.select_for_update()
            .filter(user=user)
            .exclude(status=Tab.Status.SETTLED)
            .values_list("pk")
        )
    balance = to_money(
        BalanceEntry.objects.filter(account__user=user).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    tab = Tab.objects.filter(user=user).exclude(status=Tab.Status.SETTLED).first()
    if tab is None:
        return MoneyHeld(balance=balance, tab_status="", tab_total=ZERO)
    total = Payment.objects.filter(
        tab=tab, purpose=PaymentPurpose.ORDER, status=PaymentStatus.ON_TAB
    ).aggregate(total=Sum(left_on_tab()))["total"]
    return MoneyHeld(balance=balance, tab_status=tab.status, tab_total=to_money(total or ZERO))
