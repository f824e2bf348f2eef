"""E-check: the customer signs a check on their bank account; the money clears days later.

authorize accepts the signed check at once (status "clearing"); capture records it cleared;
a bounce (insufficient funds, closed account) is reported by staff or the bank. Refunds are
bank transfers staff make by hand: the provider answers "pending" and the refund stays
reserved until staff confirm the payout. No money moves through an outside service here.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from ...interface import Outcome, PaymentRequest, ProviderResult
from ...models import ECheck
from ...registry import register
from ...states import PaymentMethod, PaymentStatus
from ..base import PaysTheTotal


class ECheckProvider(PaysTheTotal):
    """The signed check itself is made in the placement transaction, by the checkout."""

    method = PaymentMethod.ECHECK
    pending_status = PaymentStatus.CLEARING
    starts_in_browser = False
    finishes_in_browser = False

    def checkout_fields(self) -> dict[str, Any]:
        from .checkout import checkout_fields

        return checkout_fields()

    def checkout_details(self, data: Mapping[str, Any]) -> object:
        from .checkout import checkout_details

        return checkout_details(data)

    def checkout_check(self, details: Any) -> None:
        from .checkout import checkout_check

        checkout_check(details)

    def checkout_placed(self, *, payment: Any, details: Any, ip_address: str | None) -> None:
        from .checkout import checkout_placed

        checkout_placed(payment=payment, details=details, ip_address=ip_address)

    def authorize(self, *, request: PaymentRequest) -> ProviderResult:
        # An internal method may read our own rows: only a signed, sealed check is accepted.
        if not ECheck.objects.filter(payment_id=request.payment_id).exists():
            return self._answer(Outcome.FAILED, request, message=_("No signed e-check."))
        return self._answer(Outcome.PENDING, request)

    def capture(self, *, request: PaymentRequest) -> ProviderResult:
        return self._answer(Outcome.CAPTURED, request)

    def bounce(self, *, request: PaymentRequest) -> ProviderResult:
        reason = str(request.details.get("reason", ""))
        return self._answer(Outcome.BOUNCED, request, message=reason)

    def refund(self, *, request: PaymentRequest) -> ProviderResult:
        return self._answer(
            Outcome.PENDING, request, message=_("To be paid back by bank transfer.")
        )

    def void(self, *, request: PaymentRequest) -> ProviderResult:
        return self._answer(Outcome.VOIDED, request)

    def _answer(
        self, outcome: Outcome, request: PaymentRequest, message: str = ""
    ) -> ProviderResult:
        return request.answer(outcome, message=message)


register(ECheckProvider())
