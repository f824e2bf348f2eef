"""Cash on delivery: the courier collects the money, so nothing moves until delivery.

Available for physical-only orders up to `COD_MAX_TOTAL`; `COD_FEE` (VAT included) is added as
its own line. authorize accepts the order at once (payment status `cod_due`); capture records
the cash the courier collected (the amount staff enter); nothing collected yet is voided, not
refunded. Collected cash goes back to the customer's prepaid balance when they have an account,
otherwise by a bank transfer staff make by hand: the provider answers "pending" and the refund
stays reserved until staff confirm the payout.
"""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from shop.money import ZERO, to_money

from ..interface import (
    Availability,
    CheckoutContext,
    Outcome,
    PaymentRequest,
    ProviderResult,
)
from ..registry import register
from ..states import PaymentMethod, PaymentStatus
from .stored_value import refund_to_balance


class CashOnDelivery:
    method = PaymentMethod.COD
    pending_status = PaymentStatus.COD_DUE
    starts_in_browser = False
    finishes_in_browser = False
    starts_at_placement = False

    def place_check(self, *, customer_id: int | None, amount: Decimal, currency: str) -> None:
        """Nothing to lock: the money moves after placement."""

    @property
    def max_total(self) -> Decimal:
        return to_money(settings.COD_MAX_TOTAL)

    def availability(self, *, context: CheckoutContext) -> Availability:
        if context.has_digital:
            return Availability(False, _("Cash on delivery is not available for digital products."))
        if not context.has_physical:
            return Availability(False, _("There is nothing to deliver in this cart."))
        if context.total > self.max_total:
            return Availability(
                False,
                _("Cash on delivery is available for orders up to %(amount)s %(currency)s.")
                % {"amount": self.max_total, "currency": context.currency},
            )
        return Availability(True)

    def fee(self, *, context: CheckoutContext) -> Decimal:
        return to_money(settings.COD_FEE) if settings.COD_FEE else ZERO

    # No money moves through a provider: each movement is named by our own operation key
    # (this payment's acceptance, its cash collection, a refund row).

    def authorize(self, *, request: PaymentRequest) -> ProviderResult:
        return ProviderResult(
            Outcome.PENDING,
            request.amount,
            currency=request.currency,
            reference=request.idempotency_key,
        )

    def capture(self, *, request: PaymentRequest) -> ProviderResult:
        collected_by = str(request.details.get("collected_by", ""))
        return ProviderResult(
            Outcome.CAPTURED,
            request.amount,
            currency=request.currency,
            reference=request.idempotency_key,
            raw={"collected_by": collected_by},
        )

    def refund(self, *, request: PaymentRequest) -> ProviderResult:
        """Cash back to the customer's balance (once per refund row), or a bank transfer."""
        if request.customer_id is None:
            return ProviderResult(
                Outcome.PENDING,
                request.amount,
                currency=request.currency,
                reference=request.idempotency_key,
                message=_("To be paid back by bank transfer."),
            )
        return refund_to_balance(request)

    def void(self, *, request: PaymentRequest) -> ProviderResult:
        return ProviderResult(
            Outcome.VOIDED,
            request.amount,
            currency=request.currency,
            reference=request.idempotency_key,
        )


register(CashOnDelivery())
