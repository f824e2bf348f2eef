"""Every write of the payments app: payment records and their ledger.

Provider calls that may go over the network happen outside any transaction; the answer is
then recorded in a short transaction that locks the payment row.
"""

from decimal import Decimal

from django.db import IntegrityError, transaction

from shop.models import User

from .exceptions import PaymentError
from .interface import Outcome, PaymentRequest, ProviderResult
from .models import Payment, PaymentEvent
from .registry import get_provider
from .signals import payment_status_changed
from .states import PaymentStatus

_KIND_BY_OUTCOME = {
    Outcome.AUTHORIZED: PaymentEvent.Kind.AUTHORIZE,
    Outcome.PENDING: PaymentEvent.Kind.AUTHORIZE,
    Outcome.REQUIRES_ACTION: PaymentEvent.Kind.ACTION_REQUIRED,
    Outcome.CAPTURED: PaymentEvent.Kind.CAPTURE,
    Outcome.REFUNDED: PaymentEvent.Kind.REFUND,
    Outcome.VOIDED: PaymentEvent.Kind.VOID,
    Outcome.FAILED: PaymentEvent.Kind.FAILURE,
}
# What an accepted-for-later payment is called, per method (COD, e-check, tab).
_PENDING_STATUS = {
    "cod": PaymentStatus.COD_DUE,
    "echeck": PaymentStatus.CLEARING,
    "micropayment": PaymentStatus.ON_TAB,
}


def payment_create(*, order: object, method: str, amount: Decimal, currency: str) -> Payment:
    """A new payment attempt for an order (inside the caller's transaction, e.g. placement)."""
    get_provider(method)  # refuse unknown methods before writing anything
    return Payment.objects.create(order=order, method=method, amount=amount, currency=currency)


def payment_authorize(*, payment: Payment, details: dict | None = None) -> Payment:
    """Ask the method's provider to start paying; record its answer once."""
    provider = get_provider(payment.method)
    result = provider.authorize(request=_request(payment, "authorize", details=details))
    return payment_record(payment_id=payment.pk, result=result, step="authorize")


def payment_start(*, payment: Payment, details: dict | None = None) -> Payment:
    """Begin paying an order placed a moment ago (after its transaction committed).

    Only a payment nobody started yet is authorized, so a resubmitted checkout or a retried
    task never charges twice.
    """
    if payment.status != PaymentStatus.UNPAID:
        return payment
    return payment_authorize(payment=payment, details=details)


def payment_capture(
    *, payment: Payment, by: User | None = None, details: dict | None = None
) -> Payment:
    provider = get_provider(payment.method)
    result = provider.capture(request=_request(payment, "capture", details=details))
    return payment_record(payment_id=payment.pk, result=result, step="capture", by=by)


def payment_record(
    *, payment_id: int, result: ProviderResult, step: str, by: User | None = None
) -> Payment:
    """Write the provider's answer to the ledger and move the payment's status (idempotent)."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        key = f"{payment.pk}:{step}:{result.reference or result.outcome}"
        try:
            with transaction.atomic():
                PaymentEvent.objects.create(
                    payment=payment,
                    kind=_KIND_BY_OUTCOME[result.outcome],
                    amount=result.amount,
                    currency=payment.currency,
                    reference=result.reference,
                    message=result.message[:255],
                    raw=result.raw,
                    idempotency_key=key,
                    created_by=by,
                )
        except IntegrityError:
            return payment  # already recorded: a retry or a duplicate notification
        previous = payment.status
        payment.status = _status_after(payment, result.outcome)
        if result.reference and not payment.reference:
            payment.reference = result.reference
        payment.save(update_fields=["status", "reference", "updated_at"])
        if payment.status != previous:
            payment_status_changed.send(
                sender=Payment, payment=payment, previous=previous, status=payment.status
            )
    return payment


def _status_after(payment: Payment, outcome: Outcome) -> str:
    if outcome == Outcome.PENDING:
        return _PENDING_STATUS.get(payment.method, PaymentStatus.AUTHORIZED)
    if outcome in (Outcome.REFUNDED,):
        refunded = payment.ledger_sum(PaymentEvent.Kind.REFUND)
        captured = payment.ledger_sum(PaymentEvent.Kind.CAPTURE)
        return PaymentStatus.REFUNDED if refunded >= captured else PaymentStatus.PARTIALLY_REFUNDED
    if outcome == Outcome.VOIDED:
        return PaymentStatus.UNPAID
    return {
        Outcome.AUTHORIZED: PaymentStatus.AUTHORIZED,
        Outcome.CAPTURED: PaymentStatus.PAID,
        Outcome.REQUIRES_ACTION: PaymentStatus.REQUIRES_ACTION,
        Outcome.FAILED: PaymentStatus.FAILED,
    }[outcome]


def _request(payment: Payment, step: str, *, details: dict | None) -> PaymentRequest:
    if payment.amount <= 0:
        raise PaymentError("Nothing to pay.")
    return PaymentRequest(
        payment_id=payment.pk,
        order_number=str(payment.order),
        amount=payment.amount,
        currency=payment.currency,
        idempotency_key=f"payment-{payment.pk}-{step}",
        customer_id=getattr(payment.order, "user_id", None),
        details=details or {},
    )
