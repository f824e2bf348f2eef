"""The prepaid balance pays an order when it covers all of it: a debit, never credit.

An internal ledger: the provider writes its own balance entries under the account's lock, inside
the placement transaction (after the coupon, before the variants), so the order is confirmed at
placement. Each ledger row names the balance entry that moved the money.
"""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shop.money import ZERO, format_money

from ...exceptions import PaymentError
from ...interface import Availability, CheckoutContext, Outcome, PaymentRequest, ProviderResult
from ...models import BalanceEntry, PaymentPurpose
from ...registry import register, register_purpose_refunds
from ...states import PaymentMethod, PaymentStatus


class StoredValueProvider:
    method = PaymentMethod.STORED_VALUE
    pending_status = PaymentStatus.PAID  # nothing is left for later: the balance pays at once
    starts_in_browser = False
    finishes_in_browser = False
    starts_at_placement = True

    def availability(self, *, context: CheckoutContext) -> Availability:
        from ..stored_value.services import balance_of

        if context.customer_id is None:
            return Availability(False, _("Sign in to pay from your balance."))
        if context.total <= 0:
            return Availability(False, _("There is nothing to pay."))
        balance = balance_of(user_id=context.customer_id)
        if balance < context.total:
            return Availability(
                False,
                _(
                    "Your balance is %(balance)s: %(shortfall)s short. "
                    "Top up your balance to pay with it."
                )
                % {
                    "balance": format_money(balance, context.currency),
                    "shortfall": format_money(context.total - balance, context.currency),
                },
            )
        return Availability(True)

    def fee(self, *, context: CheckoutContext) -> Decimal:
        return ZERO

    def place_check(self, *, customer_id: int | None, amount: Decimal, currency: str) -> None:
        from ..stored_value.services import balance_lock, balance_of

        if customer_id is None:
            raise PaymentError(_("Sign in to pay from your balance."))
        balance_lock(user_id=customer_id)
        balance = balance_of(user_id=customer_id)
        if balance < amount:
            raise PaymentError(
                _(
                    "Your balance (%(balance)s) does not cover this order (%(amount)s). "
                    "Nothing was charged."
                )
                % {
                    "balance": format_money(balance, currency),
                    "amount": format_money(amount, currency),
                }
            )

    def authorize(self, *, request: PaymentRequest) -> ProviderResult:
        """Debit the balance under the account's lock (in the caller's transaction)."""
        from ...models import Payment
        from ..stored_value.services import balance_entry_write, balance_lock

        if request.customer_id is None:
            raise PaymentError(_("Sign in to pay from your balance."))
        with transaction.atomic():
            account = balance_lock(user_id=request.customer_id)
            entry = balance_entry_write(
                account=account,
                kind=BalanceEntry.Kind.PURCHASE,
                amount=-request.amount,
                key=f"purchase:payment-{request.payment_id}",
                payment=Payment.objects.get(pk=request.payment_id),
                reason=request.order_number,
            )
        return self._result(Outcome.CAPTURED, request, entry)

    def capture(self, *, request: PaymentRequest) -> ProviderResult:
        raise PaymentError(_("A balance payment is taken when the order is placed."))

    def refund(self, *, request: PaymentRequest) -> ProviderResult:
        """Give the money back to the balance (once per refund row)."""
        return refund_to_balance(request)

    def void(self, *, request: PaymentRequest) -> ProviderResult:
        # Only an attempt that never debited the balance is voidable: nothing to give back.
        return request.answer(Outcome.VOIDED)

    def _result(
        self, outcome: Outcome, request: PaymentRequest, entry: BalanceEntry
    ) -> ProviderResult:
        return ProviderResult(
            outcome,
            abs(entry.amount),
            currency=entry.currency,
            reference=f"balance-entry-{entry.pk}",
            raw={"balance_entry": entry.pk},
        )


def refund_to_balance(request: PaymentRequest) -> ProviderResult:
    """A refund credited to the customer's balance, once per refund row (its key): the
    stored-value method's refunds, and collected cash given back to an account holder."""
    from ...models import Payment
    from ..stored_value.services import balance_entry_write, balance_lock

    with transaction.atomic():
        account = balance_lock(user_id=request.customer_id)
        entry = balance_entry_write(
            account=account,
            kind=BalanceEntry.Kind.REFUND,
            amount=request.amount,
            key=f"refund:{request.idempotency_key}",
            payment=Payment.objects.get(pk=request.payment_id),
            reason=request.order_number,
        )
    return ProviderResult(
        Outcome.REFUNDED,
        abs(entry.amount),
        currency=entry.currency,
        reference=f"balance-entry-{entry.pk}",
        raw={"balance_entry": entry.pk},
    )


class TopUpRefunds:
    """A top-up's refunds: the credit comes off the balance before the card refund, and goes
    back if that fails."""

    def refund(self, **kwargs: Any) -> Any:
        from .services import balance_top_up_refund

        return balance_top_up_refund(**kwargs)

    def refund_failed(self, *, refund: Any) -> None:
        from .services import balance_top_up_refund_failed

        balance_top_up_refund_failed(refund=refund)


register(StoredValueProvider())
register_purpose_refunds(PaymentPurpose.TOP_UP, TopUpRefunds())
