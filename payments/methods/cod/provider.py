"""Cash on delivery: the courier collects the money, so nothing moves until delivery.

Available for physical-only orders up to `COD_MAX_TOTAL`, and not to a customer flagged as a risk
when `PAYMENTS_HIDE_COD_FOR_FLAGGED` is on (payments/risk.py); `COD_FEE` (VAT included) is added as
its own line. authorize accepts the order at once (payment status `cod_due`); capture records
the cash the courier collected (the amount staff enter); nothing collected yet is voided, not
refunded. Collected cash goes back by bank transfer to the IBAN the customer gave (the default
for cash under the Distance Contracts Regulation): the provider answers "pending" and the refund
stays reserved until staff confirm the payout. Store credit (the prepaid balance) only when the
customer chose it for that refund (payments.models.RefundAccount).
"""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from shop.money import ZERO, format_money, to_money

from ...interface import (
    Availability,
    CheckoutContext,
    Outcome,
    PaymentRequest,
    ProviderResult,
)
from ...registry import register
from ...risk import cod_refused_for
from ...states import PaymentMethod, PaymentStatus
from ..stored_value.provider import refund_to_balance


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
                _("Cash on delivery is available for orders up to %(amount)s.")
                % {"amount": format_money(self.max_total, context.currency)},
            )
        if cod_refused_for(customer_id=context.customer_id):
            return Availability(
                False, _("Cash on delivery is not available for this account; please pay online.")
            )
        return Availability(True)

    def fee(self, *, context: CheckoutContext) -> Decimal:
        return to_money(settings.COD_FEE) if settings.COD_FEE else ZERO

    # No money moves through a provider: each movement is named by our own operation key
    # (this payment's acceptance, its cash collection, a refund row).

    def authorize(self, *, request: PaymentRequest) -> ProviderResult:
        return request.answer(Outcome.PENDING)

    def capture(self, *, request: PaymentRequest) -> ProviderResult:
        collected_by = str(request.details.get("collected_by", ""))
        return request.answer(
            Outcome.CAPTURED,
            raw={"collected_by": collected_by},
        )

    def refund(self, *, request: PaymentRequest) -> ProviderResult:
        """Cash back by bank transfer (staff pay it, then confirm), or to the customer's
        balance (once per refund row) only when they chose store credit for this refund."""
        from ...models import RefundAccount

        refund_id = request.details.get("refund_id")
        account = RefundAccount.objects.filter(refund_id=refund_id).first() if refund_id else None
        if account is None:  # the customer's standing choice for this payment's refunds
            account = (
                RefundAccount.objects.filter(
                    payment_id=request.payment_id, refund__isnull=True, order_return__isnull=True
                )
                .order_by("-pk")
                .first()
            )
        chose_credit = (
            account is not None and account.destination == RefundAccount.Destination.STORE_CREDIT
        )
        if chose_credit and request.customer_id is not None:
            return refund_to_balance(request)
        if account is not None and account.account_last4:
            message = _("To be paid back by bank transfer to the account ending %(last4)s.") % {
                "last4": account.account_last4
            }
        else:
            message = _("To be paid back by bank transfer: ask the customer for their IBAN.")
        return request.answer(
            Outcome.PENDING,
            message=message,
        )

    def void(self, *, request: PaymentRequest) -> ProviderResult:
        return request.answer(Outcome.VOIDED)


register(CashOnDelivery())
