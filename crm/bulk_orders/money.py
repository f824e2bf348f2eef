"""The payments side of a batch of plans, written in bulk: order payments, balance top-ups,
refunds, ledger rows, e-checks and prepaid balance entries, and the tabs with their settlements.

Rows look as the payment services leave them (payments/services/ledger.py): every ledger row is
keyed once (`seed:<kind>:<order number>`), a tab order's capture moves no cash and names its
settlement, a refund taken off an open tab is REFUND_OFF_TAB, a balance top-up is a payment of
purpose TOP_UP with no order (money held for the customer, not revenue).
"""

from collections.abc import Callable

from django.conf import settings

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


def tabs_write(tabs: list[TabPlan], count: Callable[[str, int], None]) -> None:
    """The tabs, and for each settled one with something to charge its settlement payment (a
    card charge: the wallet's saved card) with its capture."""
    rows = [
        Tab(
            user_id=tab.user_id,
            status=Tab.Status.SETTLED if tab.settled else Tab.Status.OPEN,
            currency=CURRENCY,
            opened_at=tab.opened_at,
            settled_at=tab.settle_at if tab.settled else None,
            settle_attempts=1 if tab.settled and tab.amount > 0 else 0,
        )
        for tab in tabs
    ]
    Tab.objects.bulk_create(rows)
    for tab, row in zip(tabs, rows, strict=True):
        tab.pk = row.pk
    charged = [tab for tab in tabs if tab.settled and tab.amount > 0]
    settlements = [
        Payment(
            purpose=PaymentPurpose.TAB_SETTLEMENT,
            user_id=tab.user_id,
            tab_id=tab.pk,
            method=PaymentMethod.WALLET,
            status=PaymentStatus.PAID,
            amount=tab.amount,
            currency=CURRENCY,
            reference=f"seed_tab_{tab.key}",
            started_at=tab.settle_at,
            created_at=tab.settle_at,
        )
        for tab in charged
    ]
    Payment.objects.bulk_create(settlements)
    PaymentEvent.objects.bulk_create(
        PaymentEvent(
            payment=payment,
            kind=K.CAPTURE,
            amount=payment.amount,
            currency=CURRENCY,
            reference=payment.reference,
            idempotency_key=f"seed:capture:tab-{tab.key}",
            created_at=tab.settle_at,
        )
        for tab, payment in zip(charged, settlements, strict=True)
    )
    for tab, payment in zip(charged, settlements, strict=True):
        tab.settlement_pk = payment.pk
    count("tabs", len(tabs))
    count("payments", len(settlements))
    count("ledger", len(settlements))


def payments_write(
    plans: list[Plan], orders: list, count: Callable[[str, int], None]
) -> dict[str, Refund]:
    """Each order's payment with its ledger rows and refunds (and a stored-value order's top-up
    and balance entries, an e-check's signed check); returns the return refunds by order number."""
    payments = [
        Payment(
            order=order,
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
        for plan, order in zip(plans, orders, strict=True)
    ]
    topped = [plan for plan in plans if plan.top_up is not None]
    top_ups = [
        Payment(
            purpose=PaymentPurpose.TOP_UP,
            user_id=plan.user_id,
            method=PaymentMethod.CARD,
            status=PaymentStatus.PAID,
            amount=plan.top_up[0],
            currency=CURRENCY,
            reference=f"seed_topup_{plan.number}",
            started_at=plan.top_up[1],
            created_at=plan.top_up[1],
        )
        for plan in topped
    ]
    Payment.objects.bulk_create(payments + top_ups)
    refunds, refund_plans = [], []
    for plan, payment in zip(plans, payments, strict=True):
        for move in plan.money:
            if move.kind.startswith("refund"):
                refunds.append(
                    Refund(
                        payment=payment,
                        amount=move.amount,
                        currency=CURRENCY,
                        status=RefundStatus.SUCCEEDED,
                        reason=move.reason,
                        request_key=f"seed-{move.reason}-{plan.number}",
                        created_at=move.at,
                    )
                )
                refund_plans.append((plan, move))
    Refund.objects.bulk_create(refunds)
    refund_of = {id(move): refund for refund, (_p, move) in zip(refunds, refund_plans, strict=True)}
    ledger = []
    for plan, payment in zip(plans, payments, strict=True):
        for move in plan.money:
            kind = KIND[move.kind]
            reference, raw = payment.reference, {}
            if kind == K.CAPTURE and plan.tab is not None:
                settlement = plan.tab.settlement_pk
                reference = f"tab-settlement-{settlement}-payment-{payment.pk}"
                raw = {"settlement_payment": settlement}
            ledger.append(
                PaymentEvent(
                    payment=payment,
                    kind=kind,
                    amount=move.amount,
                    currency=CURRENCY,
                    reference=reference,
                    message=move.reason if kind in (K.FAILURE, K.BOUNCE) else "",
                    raw=raw,
                    moves_cash=move.moves_cash,
                    refund=refund_of.get(id(move)),
                    idempotency_key=f"seed:{kind}:{plan.number}",
                    created_at=move.at,
                )
            )
    for plan, payment in zip(topped, top_ups, strict=True):
        ledger.append(
            PaymentEvent(
                payment=payment,
                kind=K.CAPTURE,
                amount=payment.amount,
                currency=CURRENCY,
                reference=payment.reference,
                idempotency_key=f"seed:capture:top-up-{plan.number}",
                created_at=plan.top_up[1],
            )
        )
    PaymentEvent.objects.bulk_create(ledger)
    _echecks_write(plans, payments)
    entries = _balance_write(plans, payments, top_ups, refunds, refund_plans)
    count("payments", len(payments))
    count("top_ups", len(top_ups))
    count("refunds", len(refunds))
    count("ledger", len(ledger))
    count("balance_entries", entries)
    count("echecks", sum(1 for plan in plans if plan.echeck is not None))
    return {
        plan.number: refund
        for refund, (plan, move) in zip(refunds, refund_plans, strict=True)
        if move.reason == "return"
    }


def _echecks_write(plans: list[Plan], payments: list[Payment]) -> None:
    account = sealing.account_hash(IBAN)
    encrypted = sealing.encrypt_account(IBAN)
    rows = []
    for plan, payment in zip(plans, payments, strict=True):
        check = plan.echeck
        if check is None:
            continue
        number = f"EC{plan.number}"
        day = check.authorized_at.date().isoformat()
        message = sealing.canonical(
            payee=settings.SELLER_NAME,
            amount=payment.amount,
            currency=CURRENCY,
            date=day,
            number=number,
            account=account,
        )
        rows.append(
            ECheck(
                payment=payment,
                number=number,
                payee=settings.SELLER_NAME,
                amount=payment.amount,
                currency=CURRENCY,
                date=day,
                account_holder="Seed Customer",
                account_encrypted=encrypted,
                account_last4=IBAN[-4:],
                account_hash=account,
                signer_name="Seed Customer",
                authorized_at=check.authorized_at,
                seal=sealing.seal(message),
                cleared_at=check.cleared_at,
                bounced_at=check.bounced_at,
                bounce_reason=check.bounce_reason,
            )
        )
    ECheck.objects.bulk_create(rows)


def _balance_write(plans, payments, top_ups, refunds, refund_plans) -> int:
    """A stored-value customer's balance: the top-up in, the purchase out, a refund back in."""
    users = {plan.user_id for plan in plans if plan.method == PaymentMethod.STORED_VALUE}
    if not users:
        return 0
    accounts = dict(BalanceAccount.objects.filter(user_id__in=users).values_list("user_id", "pk"))
    missing = [BalanceAccount(user_id=u, currency=CURRENCY) for u in users if u not in accounts]
    BalanceAccount.objects.bulk_create(missing)
    accounts.update({account.user_id: account.pk for account in missing})
    entries = []
    top_up_of = {payment.reference.removeprefix("seed_topup_"): payment for payment in top_ups}
    for plan, payment in zip(plans, payments, strict=True):
        if plan.method != PaymentMethod.STORED_VALUE:
            continue
        account = accounts[plan.user_id]
        top_up = top_up_of[plan.number]
        entries.append(
            _entry(
                account,
                "top_up",
                top_up.amount,
                f"top-up:payment-{top_up.pk}",
                top_up,
                top_up.created_at,
            )
        )
        capture = next((m for m in plan.money if m.kind == "capture"), None)
        if capture is not None:
            key = f"purchase:payment-{payment.pk}"
            entries.append(_entry(account, "purchase", -plan.total, key, payment, capture.at))
    for refund, (plan, move) in zip(refunds, refund_plans, strict=True):
        if plan.method == PaymentMethod.STORED_VALUE:
            account, key = accounts[plan.user_id], f"refund-{refund.pk}"
            entries.append(_entry(account, "refund", move.amount, key, refund.payment, move.at))
    BalanceEntry.objects.bulk_create(entries)
    return len(entries)


def _entry(account_id, kind, amount, key, payment, at) -> BalanceEntry:
    return BalanceEntry(
        account_id=account_id,
        kind=kind,
        amount=amount,
        currency=CURRENCY,
        key=key,
        payment=payment,
        created_at=at,
    )
