"""Card payments through Stripe PaymentIntents.

The card is collected in the browser by Stripe.js (a SetupIntent confirmed there), so card
numbers never reach us. Server-side, one PaymentIntent per payment attempt is created and
confirmed with the attempt's idempotency key; 3-D Secure is finished in the browser and read
back by a retrieve or a signed webhook. Capture is automatic.
"""

import stripe
from django.utils.translation import gettext as _

from ...exceptions import PaymentError
from ...interface import (
    Outcome,
    PaymentRequest,
    ProviderResult,
)
from ...registry import register
from ...states import PaymentMethod, PaymentStatus
from ..base import PaysTheTotal
from .client import from_stripe_amount, stripe_client, to_stripe_amount
from .intents import declined_result, intent_result


class ProviderUnavailable(PaymentError):
    """Stripe could not be reached or refused the request; nothing was recorded."""


class CardProvider(PaysTheTotal):
    method = PaymentMethod.CARD
    pending_status = PaymentStatus.AUTHORIZED
    starts_in_browser = True
    finishes_in_browser = True

    def authorize(self, *, request: PaymentRequest) -> ProviderResult:
        payment_method = str(request.details.get("payment_method", ""))
        if not payment_method:
            raise PaymentError(_("Enter your card details first."))
        params: dict = {
            "amount": to_stripe_amount(request.amount, request.currency),
            "currency": request.currency.lower(),
            "payment_method": payment_method,
            "payment_method_types": ["card"],
            "confirm": True,
            "metadata": {"payment_id": str(request.payment_id), "order": request.order_number},
        }
        if request.details.get("customer"):
            params["customer"] = str(request.details["customer"])
        if request.details.get("off_session"):  # a saved card charged without the customer
            params["off_session"] = True
        try:
            intent = stripe_client().v1.payment_intents.create(
                params=params, options={"idempotency_key": request.idempotency_key}
            )
        except stripe.CardError as error:
            details = error.error.to_dict() if error.error else {}
            intent_id = str((details.get("payment_intent") or {}).get("id", ""))
            return declined_result(
                details, amount=request.amount, currency=request.currency, intent_id=intent_id
            )
        except stripe.StripeError as error:
            raise ProviderUnavailable(_("The card payment could not be started.")) from error
        return self._read(intent.to_dict(), request)

    def capture(self, *, request: PaymentRequest) -> ProviderResult:
        """Automatic capture: read where the PaymentIntent stands (after 3-D Secure)."""
        return self.retrieve(request=request)

    def retrieve(self, *, request: PaymentRequest) -> ProviderResult:
        if not request.reference:
            raise PaymentError(_("This payment has not been started."))
        try:
            intent = stripe_client().v1.payment_intents.retrieve(request.reference)
        except stripe.StripeError as error:
            raise ProviderUnavailable(_("The card payment could not be checked.")) from error
        return self._read(intent.to_dict(), request)

    def refund(self, *, request: PaymentRequest) -> ProviderResult:
        return stripe_refund(intent_id=request.reference, request=request)

    def refund_retrieve(self, *, request: PaymentRequest) -> ProviderResult | None:
        """Where Stripe's refund for our refund stands now (None if Stripe has none)."""
        try:
            refund = stripe_refund_of(
                intent_id=request.reference, refund_id=str(request.details.get("refund_id", ""))
            )
        except stripe.StripeError as error:
            raise ProviderUnavailable(_("The refund could not be checked.")) from error
        return refund_result(refund) if refund is not None else None

    def void(self, *, request: PaymentRequest) -> ProviderResult:
        if not request.reference:  # never sent to Stripe: nothing to cancel there
            return request.answer(Outcome.VOIDED)
        try:
            intent = stripe_client().v1.payment_intents.cancel(request.reference)
        except stripe.InvalidRequestError:
            # Too late to cancel (it succeeded meanwhile): report where it stands instead.
            return self.retrieve(request=request)
        except stripe.StripeError as error:
            raise ProviderUnavailable(_("The card payment could not be cancelled.")) from error
        return self._read(intent.to_dict(), request)

    def _read(self, intent: dict, request: PaymentRequest) -> ProviderResult:
        result = intent_result(intent)
        if result is None:  # confirmed without an outcome yet: still waiting for the customer
            return ProviderResult(
                Outcome.REQUIRES_ACTION,
                request.amount,
                currency=request.currency,
                reference=str(intent.get("id", "")),
                attempt_reference=str(intent.get("id", "")),
                next_action={"client_secret": intent.get("client_secret", "")},
            )
        return result


def stripe_refund(
    *, intent_id: str, request: PaymentRequest, raw: dict | None = None
) -> ProviderResult:
    """Refund `request.amount` of a PaymentIntent once (the refund's own idempotency key).

    Our refund's id goes in the Stripe refund's metadata. With `details["look_up_first"]` (a
    re-send by the periodic job) Stripe's refunds of the intent are listed first and one made
    for this refund is read instead of sending another: the look-up, not the idempotency key
    (which the fake server ignores and Stripe forgets after a day), is what keeps it to one.
    """
    refund_id = str(request.details.get("refund_id", ""))
    client = stripe_client()
    try:
        refund = None
        if request.details.get("look_up_first") and refund_id:
            refund = stripe_refund_of(intent_id=intent_id, refund_id=refund_id)
        if refund is None:
            refund = client.v1.refunds.create(
                params={
                    "payment_intent": intent_id,
                    "amount": to_stripe_amount(request.amount, request.currency),
                    "metadata": {"payment_id": str(request.payment_id), "refund_id": refund_id},
                },
                options={"idempotency_key": request.idempotency_key},
            )
    except stripe.InvalidRequestError as error:
        return ProviderResult(
            Outcome.FAILED,
            request.amount,
            currency=request.currency,
            reference=f"{request.idempotency_key}:refused",
            message=str(error.user_message or error),
        )
    except stripe.StripeError as error:
        raise ProviderUnavailable(_("The refund could not be sent.")) from error
    return refund_result(refund if isinstance(refund, dict) else refund.to_dict(), raw=raw)


def stripe_refund_of(*, intent_id: str, refund_id: str) -> dict | None:
    """The refund Stripe already made for our refund `refund_id` on this intent, if any."""
    listed = stripe_client().v1.refunds.list(params={"payment_intent": intent_id, "limit": 100})
    for refund in listed.auto_paging_iter():
        found = refund.to_dict()
        if str((found.get("metadata") or {}).get("refund_id", "")) == refund_id:
            return found
    return None


def refund_result(refund: dict, *, raw: dict | None = None) -> ProviderResult:
    """What a Stripe refund (as a dict) says: done, still pending (sent), or failed."""
    status = str(refund.get("status", ""))
    currency = str(refund.get("currency", "")).upper()
    outcome = {
        "succeeded": Outcome.REFUNDED,
        "pending": Outcome.SENT,
        "requires_action": Outcome.SENT,
    }.get(status, Outcome.FAILED)
    return ProviderResult(
        outcome,
        from_stripe_amount(int(refund.get("amount") or 0), currency),
        currency=currency,
        reference=str(refund.get("id", "")),
        message=str(refund.get("failure_reason") or "") if outcome == Outcome.FAILED else "",
        raw={"refund": refund.get("id"), "status": status, **(raw or {})},
    )


register(CardProvider())
