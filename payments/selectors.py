"""Reads of the payments app for the customer's pages: saved cards, the statement, the tab."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum

from shop.models import User
from shop.money import ZERO

from .models import BalanceEntry, Payment, PaymentPurpose, SavedCard, Tab
from .states import PaymentStatus

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


def tab_page(*, user: User) -> dict:
    """The current tab with its items and total, and the last tabs paid."""
    tabs = list(Tab.objects.filter(user=user).order_by("-opened_at")[:6])
    current = next((t for t in tabs if t.status != Tab.Status.SETTLED), None)
    items = list(
        Payment.objects.filter(tab__in=tabs, purpose=PaymentPurpose.ORDER)
        .exclude(status=PaymentStatus.VOIDED)
        .select_related("order")
        .order_by("created_at", "pk")
    )
    by_tab: dict[int, list[Payment]] = {}
    for item in items:
        by_tab.setdefault(item.tab_id, []).append(item)
    for tab in tabs:
        tab.items = by_tab.get(tab.pk, [])
        tab.total = sum((i.amount for i in tab.items), ZERO)
    return {
        "current": current,
        "paid": [t for t in tabs if t.status == Tab.Status.SETTLED],
    }
