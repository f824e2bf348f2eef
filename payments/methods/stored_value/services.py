"""The prepaid balance: accounts, their append-only entries, top-ups and staff adjustments.

A balance is the sum of its entries, never a field. Every entry is written under the account's
row lock (`balance_lock`), keyed by what caused it, so a retried task or a duplicate webhook
writes nothing twice. Lock order inside placement: cart → coupon → balance account → variants.
"""

import uuid
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from shop.audit import audit_record
from shop.models import User
from shop.money import ZERO, format_money, to_money

from ...exceptions import PaymentError
from ...models import BalanceAccount, BalanceEntry, Payment, PaymentPurpose, Refund
from ...services.ledger import payment_create
from ...services.refunds import _left_by_a_crash, _reserve, refund_send
from ...states import PaymentMethod, PaymentStatus


class BalanceError(PaymentError):
    """A balance move that is not allowed (too little balance, a top-up out of range)."""


def balance_of(*, user_id: int) -> Decimal:
    """The customer's balance now: the sum of their entries (0 without an account)."""
    total = BalanceEntry.objects.filter(account__user_id=user_id).aggregate(total=Sum("amount"))
    # Rounded to the kuruş: SQLite sums decimals as floats ('200.100000000000').
    return to_money(total["total"] or ZERO)


def balance_lock(*, user_id: int) -> BalanceAccount:
    """The customer's account, made once and locked until the caller's transaction ends."""
    account = BalanceAccount.objects.select_for_update().filter(user_id=user_id).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            BalanceAccount.objects.create(user_id=user_id)
    except IntegrityError:  # a parallel request made it first
        pass
    return BalanceAccount.objects.select_for_update().get(user_id=user_id)


def balance_entry_write(
    *,
    account: BalanceAccount,
    kind: str,
    amount: Decimal,
    key: str,
    payment: Payment | None = None,
    reason: str = "",
    by: User | None = None,
) -> BalanceEntry:
    """Append one entry to a locked account, once per key; never below zero."""
    existing = BalanceEntry.objects.filter(key=key).first()
    if existing is not None:
        return existing
    amount = to_money(amount)
    if amount < 0 and balance_of(user_id=account.user_id) + amount < 0:
        raise BalanceError(
            _("Your balance (%(balance)s) does not cover %(amount)s.")
            % {
                "balance": format_money(balance_of(user_id=account.user_id), account.currency),
                "amount": format_money(-amount, account.currency),
            }
        )
    return BalanceEntry.objects.create(
        account=account,
        kind=kind,
        amount=amount,
        currency=account.currency,
        key=key,
        payment=payment,
        reason=reason[:255],
        created_by=by,
    )


def balance_adjust(*, user: User, amount: Decimal, reason: str, by: User) -> BalanceEntry:
    """A staff adjustment with its reason and author (audited); it may not go below zero."""
    if not reason.strip():
        raise BalanceError(_("Give a reason for the adjustment."))
    amount = to_money(amount)
    if amount == 0:
        raise BalanceError(_("An adjustment must not be zero."))
    with transaction.atomic():
        account = balance_lock(user_id=user.pk)
        entry = balance_entry_write(
            account=account,
            kind=BalanceEntry.Kind.ADJUSTMENT,
            amount=amount,
            key=f"adjustment-{uuid.uuid4().hex}",
            reason=reason.strip(),
            by=by,
        )
        audit_record(
            actor=by,
            action="balance.adjust",
            target=entry,
            reason=entry.reason,
            details={"customer": user.pk, "amount": entry.amount, "currency": entry.currency},
        )
        return entry


def top_up_limits() -> tuple[Decimal, Decimal]:
    return to_money(settings.BALANCE_TOP_UP_MIN), to_money(settings.BALANCE_TOP_UP_MAX)


def parse_top_up_amount(raw: str) -> Decimal:
    """A top-up amount typed or picked by the customer, within the limits; else BalanceError."""
    low, high = top_up_limits()
    try:
        amount = Decimal(str(raw).strip().replace(",", ".")[:20])
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount.as_tuple().exponent < -2:
        raise BalanceError(_("Enter an amount such as 100 or 150.50."))
    if amount < low or amount > high:
        raise BalanceError(
            _("A top-up must be between %(low)s and %(high)s.")
            % {"low": format_money(low), "high": format_money(high)}
        )
    return to_money(amount)


def balance_top_up_create(*, user: User, amount: Decimal) -> Payment:
    """A card payment with no order that credits the balance once it is paid."""
    low, high = top_up_limits()
    if amount < low or amount > high:
        raise BalanceError(
            _("A top-up must be between %(low)s and %(high)s.")
            % {"low": format_money(low), "high": format_money(high)}
        )
    return payment_create(
        method=PaymentMethod.CARD,
        amount=to_money(amount),
        currency=settings.SHOP_CURRENCY,
        purpose=PaymentPurpose.TOP_UP,
        user=user,
    )


def balance_top_up_credit(*, payment: Payment) -> BalanceEntry | None:
    """Credit a paid top-up (called when its ledger says paid; once, whatever calls it twice)."""
    if payment.purpose != PaymentPurpose.TOP_UP or payment.status != PaymentStatus.PAID:
        return None
    with transaction.atomic():
        account = balance_lock(user_id=payment.user_id)
        return balance_entry_write(
            account=account,
            kind=BalanceEntry.Kind.TOP_UP,
            amount=payment.amount,
            key=f"top-up:payment-{payment.pk}",
            payment=payment,
            reason=_("Top-up by card"),
        )


def balance_top_up_refund(
    *,
    payment: Payment,
    amount: Decimal,
    by: User | None = None,
    reason: str = "",
    key: str = "",
    details: dict | None = None,
) -> Refund:
    """Refund a top-up to its card: the credit comes off the balance first, then the card refund.

    Under the top-up's lock, then the balance's: the refund is reserved and a negative balance
    entry keyed by it is written, or nothing is when the balance no longer covers it. The card
    refund is sent after commit; if it fails, the credit is given back (`..._refund_failed`).
    """
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.purpose != PaymentPurpose.TOP_UP:
            raise BalanceError(_("This payment is not a balance top-up."))
        refund, new = _reserve(
            payment=locked,
            amount=amount,
            by=by,
            reason=reason,
            key=key,
            purpose_ok=True,
            locked=locked,
        )
        if new:
            account = balance_lock(user_id=locked.user_id)
            balance = balance_of(user_id=locked.user_id)
            if balance < refund.amount:
                raise BalanceError(
                    _(
                        "The balance is %(balance)s now: it no longer covers a refund of "
                        "%(amount)s of this top-up."
                    )
                    % {
                        "balance": format_money(balance, refund.currency),
                        "amount": format_money(refund.amount, refund.currency),
                    }
                )
            balance_entry_write(
                account=account,
                kind=BalanceEntry.Kind.TOP_UP_REFUND,
                amount=-refund.amount,
                key=f"top-up-refund:refund-{refund.pk}",
                payment=locked,
                reason=_("Top-up refunded to the card"),
                by=by,
            )
            audit_record(
                actor=by,
                action="balance.top_up_refund",
                target=refund,
                reason=reason,
                details={"payment": locked.pk, "amount": refund.amount, "customer": locked.user_id},
            )
    if not new and not _left_by_a_crash(refund):
        return refund
    return refund_send(refund=refund, details=details)


def balance_top_up_refund_failed(*, refund: Refund) -> BalanceEntry | None:
    """The card refund of a top-up failed: the credit taken off for it goes back, once.

    Called where the failure is recorded, under the top-up's lock (payment → balance).
    """
    payment = refund.payment
    taken = BalanceEntry.objects.filter(key=f"top-up-refund:refund-{refund.pk}").first()
    if payment.purpose != PaymentPurpose.TOP_UP or taken is None:
        return None
    account = balance_lock(user_id=payment.user_id)
    return balance_entry_write(
        account=account,
        kind=BalanceEntry.Kind.TOP_UP_REFUND,
        amount=-taken.amount,
        key=f"top-up-refund-failed:refund-{refund.pk}",
        payment=payment,
        reason=_("The card refund failed: credit given back"),
    )
