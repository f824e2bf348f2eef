"""Micropayment tabs and every payment's final status, as the payment services leave them.

A customer's tab orders gather on one tab until it is settled: at TAB_SETTLE_THRESHOLD, or after
its month ended (the periodic job's rule). Before the settlement a cancellation voids the order's
payment (taken off the tab) and a refund is taken off the tab (REFUND_OFF_TAB, no cash moves), so
the settlement charges what is left; at the settlement every order still on the tab gets its
capture row (no cash moves: the settlement's own capture carries it). Afterwards a refund is an
ordinary one. A tab whose time has not come yet stays open.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from payments.states import PaymentMethod, PaymentStatus
from shop.money import to_money

from .plan import Money, Plan

P = PaymentStatus
ZERO = Decimal(0)


@dataclass(slots=True)
class TabPlan:
    user_id: int
    opened_at: datetime
    settle_at: datetime
    key: str  # the number of its first order: the settlement's ledger key
    items: list[Plan] = field(default_factory=list)
    settled: bool = False
    amount: Decimal = ZERO  # what the settlement charged (or would charge now)
    pk: int | None = None
    settlement_pk: int | None = None

    def held(self, at: datetime) -> Decimal:
        """What the tab holds at `at`: its orders not voided, less refunds taken off."""
        total = ZERO
        for plan in self.items:
            if plan.placed_at > at or any(m.kind == "void" and m.at <= at for m in plan.money):
                continue
            total += plan.total - sum(
                (m.amount for m in plan.money if m.kind == "refund" and m.at <= at), ZERO
            )
        return total


def _month_end(at: datetime, zone: ZoneInfo) -> datetime:
    """The periodic job settles a tab opened in an earlier month early on the 1st."""
    local = at.astimezone(zone).date().replace(day=1) + timedelta(days=32)
    return datetime.combine(local.replace(day=1), time(2, 15), tzinfo=zone)


def tabs_plan(plans: list[Plan], *, now: datetime, zone: ZoneInfo) -> list[TabPlan]:
    """Group the tab orders of each customer into tabs and settle those whose time came."""
    threshold = to_money(settings.TAB_SETTLE_THRESHOLD)
    by_user: dict[int, list[Plan]] = {}
    for plan in plans:
        if plan.method == PaymentMethod.MICROPAYMENT and plan.accepted:
            by_user.setdefault(plan.user_id, []).append(plan)
    tabs: list[TabPlan] = []
    for user_id, items in by_user.items():
        items.sort(key=lambda p: (p.placed_at, p.n))
        current: TabPlan | None = None
        for plan in items:
            if current is not None and current.settle_at <= plan.placed_at:
                current = None
            if current is None:
                opened = plan.placed_at
                current = TabPlan(user_id, opened, _month_end(opened, zone), plan.number)
                tabs.append(current)
            current.items.append(plan)
            plan.tab = current
            if current.held(plan.placed_at) >= threshold:
                current.settle_at = min(current.settle_at, plan.placed_at + timedelta(minutes=2))
    for tab in tabs:
        _finish(tab, now)
    return tabs


def _finish(tab: TabPlan, now: datetime) -> None:
    tab.settled = tab.settle_at <= now
    for plan in tab.items:
        moves: list[Money] = []
        voided = False
        for move in plan.money:
            before = move.at < tab.settle_at
            if move.kind == "void" and before:
                voided = True
            elif move.kind == "void":  # cancelled after the settlement charged it: refunded
                move = Money("refund", move.at, plan.total, "cancelled")
            elif move.kind == "refund" and before:
                move = Money("refund_off_tab", move.at, move.amount, move.reason, False)
            moves.append(move)
        left = plan.total - sum((m.amount for m in moves if m.kind == "refund_off_tab"), ZERO)
        if not voided and tab.settled and left > 0:
            moves.append(
                Money("capture", tab.settle_at + timedelta(seconds=1), plan.total, "", False)
            )
        plan.money = sorted(moves, key=lambda m: m.at)
        if not voided:
            tab.amount += left


def payment_status(plan: Plan) -> str:
    """The order payment's status after its money movements (payments/states.py's table)."""
    kinds = {move.kind for move in plan.money}
    for kind, status in (("failure", P.FAILED), ("bounce", P.BOUNCED), ("void", P.VOIDED)):
        if kind in kinds:
            return status
    captured = sum((m.amount for m in plan.money if m.kind == "capture"), ZERO)
    refunded = sum((m.amount for m in plan.money if m.kind.startswith("refund")), ZERO)
    if captured:
        if refunded >= captured:
            return P.REFUNDED
        return P.PARTIALLY_REFUNDED if refunded else P.PAID
    if not plan.accepted:
        return P.UNPAID
    if plan.method == PaymentMethod.MICROPAYMENT:
        return P.REFUNDED if refunded >= plan.total else P.ON_TAB
    return {PaymentMethod.COD: P.COD_DUE, PaymentMethod.ECHECK: P.CLEARING}.get(plan.method, P.PAID)
