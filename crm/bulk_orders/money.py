"""The payments side of a batch of plans, written in bulk: order payments, balance top-ups,
refunds, ledger rows, e-checks and prepaid balance entries, and the tabs with their settlements.

Rows look as the payment services leave them (payments/services/ledger.py): every ledger row is
keyed once (`seed:<kind>:<order number>`), a tab order's capture moves no cash and names its
settlement, a refund taken off an open tab is REFUND_OFF_TAB, a balance top-up is a payment of
purpose TOP_UP with no order (money held for the customer, not revenue).
"""

from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from payments.methods.echeck import sealing
from payments.models import (
    BalanceAccount,
    BalanceEntry,
    ECheck,
    Payment,
    PaymentEvent,
    PaymentPurpose,
    Refund,
    Tab,
)
from payments.states import PaymentMethod, PaymentStatus, RefundStatus

from .plan import Plan
from .rows import Tables
from .tabs import TabPlan

K = PaymentEvent.Kind
KIND = {
    "capture": K.CAPTURE,
    "refund": K.REFUND,
    "refund_off_tab": K.REFUND_OFF_TAB,
    "void": K.VOID,
    "failure": K.FAILURE,
    "bounce": K.BOUNCE,
}
IBAN = "TR330006100519786457841326"  # a valid test IBAN (every seeded check draws on it)
CURRENCY = settings.SHOP_CURRENCY


def tabs_write(tabs: list[TabPlan], t: Tables, count: Callable[[str, int], None]) -> None:
    """The tabs, and for each settled one with something to charge its settlement payment (a
    card charge: the wallet's saved card) with its capture."""
    for tab in tabs:
        charged = tab.settled and tab.amount > 0
        tab.pk = t[Tab].add(
            user_id=tab.user_id,
            status=Tab.Status.SETTLED if tab.settled else Tab.Status.OPEN,
            currency=CURRENCY,
            opened_at=tab.opened_at,
            settled_at=tab.settle_at if tab.settled else None,
            settle_attempts=1 if charged else 0,
        )
        if not charged:
            continue
        reference = f"seed_tab_{tab.key}"
        tab.settlement_pk = t[Payment].add(
            purpose=PaymentPurpose.TAB_SETTLEMENT,
            user_id=tab.user_id,
            tab_id=tab.pk,
            method=PaymentMethod.WALLET,
            status=PaymentStatus.PAID,
            amount=tab.amount,
            currency=CURRENCY,
            reference=reference,
            started_at=tab.settle_at,
            created_at=tab.settle_at,
        )
        t[PaymentEvent].add(
            payment_id=tab.settlement_pk,
            kind=K.CAPTURE,
            amount=tab.amount,
            currency=CURRENCY,
            reference=reference,
            idempotency_key=f"seed:capture:tab-{tab.key}",
            created_at=tab.settle_at,
        )
        count("payments", 1)
        count("ledger", 1)
    count("tabs", len(tabs))


def payments_write(
    plans: list[Plan], orders: list[int], t: Tables, count: Callable[[str, int], None]
) -> dict[str, int]:
    """Each order's payment with its ledger rows and refunds (and a stored-value order's top-up
    and balance entries, an e-check's signed check); returns the return refunds by order number."""
    returns: dict[str, int] = {}
    accounts = _balance_accounts(plans, t)
    for plan, order_id in zip(plans, orders, strict=True):
        payment = t[Payment].add(
            order_id=order_id,
            purpose=PaymentPurpose.ORDER,
            user_id=plan.user_id,
            tab_id=plan.tab.pk if plan.tab is not None else None,
            method=plan.method,
            status=plan.payment_status,
            amount=plan.total,
            currency=CURRENCY,
            reference=f"seed_{plan.number}",
            started_at=plan.placed_at,
            created_at=plan.placed_at,
        )
        count("payments", 1)
        account = accounts.get(plan.user_id) if plan.method == PaymentMethod.STORED_VALUE else None
        if plan.top_up is not None:
            _top_up(plan, account, t, count)
        for move in plan.money:
            kind, refund = KIND[move.kind], None
            if move.kind.startswith("refund"):
                refund = t[Refund].add(
                    payment_id=payment,
                    amount=move.amount,
                    currency=CURRENCY,
                    status=RefundStatus.SUCCEEDED,
                    reason=move.reason,
                    request_key=f"seed-{move.reason}-{plan.number}",
                    created_at=move.at,
                )
                count("refunds", 1)
                if move.reason == "return":
                    returns[plan.number] = refund
                if account is not None:
                    _entry(t, account, "refund", move.amount, f"refund-{refund}", payment, move.at)
                    count("balance_entries", 1)
            elif kind == K.CAPTURE and account is not None:
                key = f"purchase:payment-{payment}"
                _entry(t, account, "purchase", -plan.total, key, payment, move.at)
                count("balance_entries", 1)
            reference, raw = f"seed_{plan.number}", {}
            if kind == K.CAPTURE and plan.tab is not None:
                settlement = plan.tab.settlement_pk
                reference = f"tab-settlement-{settlement}-payment-{payment}"
                raw = {"settlement_payment": settlement}
            t[PaymentEvent].add(
                payment_id=payment,
                kind=kind,
                amount=move.amount,
                currency=CURRENCY,
                reference=reference,
                message=move.reason if kind in (K.FAILURE, K.BOUNCE) else "",
                raw=raw,
                moves_cash=move.moves_cash,
                refund_id=refund,
                idempotency_key=f"seed:{kind}:{plan.number}",
                created_at=move.at,
            )
            count("ledger", 1)
        if plan.echeck is not None:
            _echeck(plan, payment, t)
            count("echecks", 1)
    return returns


def _top_up(plan: Plan, account: int | None, t: Tables, count: Callable) -> None:
    """A balance top-up by card just before a stored-value order: money held, not revenue."""
    amount, at = plan.top_up
    payment = t[Payment].add(
        purpose=PaymentPurpose.TOP_UP,
        user_id=plan.user_id,
        method=PaymentMethod.CARD,
        status=PaymentStatus.PAID,
        amount=amount,
        currency=CURRENCY,
        reference=f"seed_topup_{plan.number}",
        started_at=at,
        created_at=at,
    )
    t[PaymentEvent].add(
        payment_id=payment,
        kind=K.CAPTURE,
        amount=amount,
        currency=CURRENCY,
        reference=f"seed_topup_{plan.number}",
        idempotency_key=f"seed:capture:top-up-{plan.number}",
        created_at=at,
    )
    _entry(t, account, "top_up", amount, f"top-up:payment-{payment}", payment, at)
    count("payments", 1)
    count("top_ups", 1)
    count("ledger", 1)
    count("balance_entries", 1)


_SEALING: dict[str, str] = {}


def _echeck(plan: Plan, payment: int, t: Tables) -> None:
    if not _SEALING:
        _SEALING.update(account=sealing.account_hash(IBAN), encrypted=sealing.encrypt_account(IBAN))
    check, number = plan.echeck, f"EC{plan.number}"
    day = timezone.localdate(check.authorized_at).isoformat()
    message = sealing.canonical(
        payee=settings.SELLER_NAME,
        amount=plan.total,
        currency=CURRENCY,
        date=day,
        number=number,
        account=_SEALING["account"],
    )
    t[ECheck].add(
        payment_id=payment,
        number=number,
        payee=settings.SELLER_NAME,
        amount=plan.total,
        currency=CURRENCY,
        date=timezone.localdate(check.authorized_at),
        account_holder="Seed Customer",
        account_encrypted=_SEALING["encrypted"],
        account_last4=IBAN[-4:],
        account_hash=_SEALING["account"],
        signer_name="Seed Customer",
        authorized_at=check.authorized_at,
        seal=sealing.seal(message),
        cleared_at=check.cleared_at,
        bounced_at=check.bounced_at,
        bounce_reason=check.bounce_reason,
    )


def _balance_accounts(plans: list[Plan], t: Tables) -> dict[int, int]:
    """The prepaid balance account of each stored-value customer in the batch (made once)."""
    users = {plan.user_id for plan in plans if plan.method == PaymentMethod.STORED_VALUE}
    if not users:
        return {}
    accounts = dict(BalanceAccount.objects.filter(user_id__in=users).values_list("user_id", "pk"))
    for user_id in sorted(users - set(accounts)):
        accounts[user_id] = t[BalanceAccount].add(user_id=user_id, currency=CURRENCY)
    t[BalanceAccount].flush()  # read back by the next batch
    return accounts


def _entry(t: Tables, account: int, kind: str, amount: Decimal, key: str, payment: int, at) -> None:
    t[BalanceEntry].add(
        account_id=account,
        kind=kind,
        amount=amount,
        currency=CURRENCY,
        key=key,
        payment_id=payment,
        created_at=at,
    )
