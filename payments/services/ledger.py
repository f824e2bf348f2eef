"""Every write of the payments app: payment attempts, refunds and their ledger.

Provider calls that may go over the network happen outside any transaction and any row lock;
the answer is then recorded in a short transaction that locks the payment row. Each ledger row
is keyed by the money movement it records (the provider's object id, or the id of our own
operation), so a retried call or a duplicate notification records nothing twice.
"""

from datetime import timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.models import User
from shop.money import to_money

from ..exceptions import PaymentError
from ..interface import Outcome, PaymentRequest, ProviderResult
from ..models import Payment, PaymentEvent, PaymentPurpose, Refund
from ..registry import get_provider
from ..signals import payment_flagged, payment_refund_recorded, payment_status_changed
from ..states import REFUNDABLE, VOIDABLE, PaymentMethod, PaymentStatus, can_transition

_KIND_BY_OUTCOME = {
    Outcome.AUTHORIZED: PaymentEvent.Kind.AUTHORIZE,
    Outcome.PENDING: PaymentEvent.Kind.AUTHORIZE,
    Outcome.REQUIRES_ACTION: PaymentEvent.Kind.ACTION_REQUIRED,
    Outcome.CAPTURED: PaymentEvent.Kind.CAPTURE,
    Outcome.REFUNDED: PaymentEvent.Kind.REFUND,
    Outcome.VOIDED: PaymentEvent.Kind.VOID,
    Outcome.FAILED: PaymentEvent.Kind.FAILURE,
    Outcome.BOUNCED: PaymentEvent.Kind.BOUNCE,
    Outcome.RETURNED: PaymentEvent.Kind.RETURN,
}
# Provider data kept for staff never holds what would let someone act on the payment.
_SECRET_FIELDS = frozenset({"client_secret"})


class Operation(StrEnum):
    """What we asked of the provider; a failed refund or void leaves the payment as it was."""

    START = "start"
    CAPTURE = "capture"
    VOID = "void"
    REFUND = "refund"


def payment_create(
    *,
    order: object | None = None,
    method: str,
    amount: Decimal,
    currency: str,
    purpose: str = PaymentPurpose.ORDER,
    user: User | None = None,
    tab: object | None = None,
) -> Payment:
    """A new payment attempt (inside the caller's transaction, e.g. placement).

    An order's payment belongs to its order; a top-up or a tab settlement to its customer only.
    """
    get_provider(method)  # refuse unknown methods before writing anything
    if purpose == PaymentPurpose.ORDER and user is None and order is not None:
        user = getattr(order, "user", None)
    return Payment.objects.create(
        order=order,
        method=method,
        amount=amount,
        currency=currency,
        purpose=purpose,
        user=user,
        tab=tab,
    )


def payment_place_check(
    *, method: str, customer_id: int | None, amount: Decimal, currency: str
) -> bool:
    """Inside placement: lock what an internal ledger pays from; True if it pays at placement."""
    provider = get_provider(method)
    if not provider.starts_at_placement:
        return False
    provider.place_check(customer_id=customer_id, amount=amount, currency=currency)
    return True


def payment_start(*, payment: Payment, details: dict | None = None) -> Payment:
    """Begin paying an attempt (after the transaction that made it committed).

    The attempt is claimed under its row lock before the provider is called, so a resubmitted
    checkout, a second tab or a retried task never starts it twice.
    """
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status != PaymentStatus.UNPAID or locked.started_at is not None:
            return locked
        if locked.amount <= 0:
            raise PaymentError(_("There is nothing to pay."))
        locked.started_at = timezone.now()
        locked.save(update_fields=["started_at", "updated_at"])
    key = _operation_key(locked, Operation.START)
    result = get_provider(locked.method).authorize(
        request=_request(locked, key, amount=locked.amount, details=details)
    )
    return payment_record(
        payment_id=locked.pk, result=result, operation=Operation.START, operation_key=key
    )


def payment_capture(
    *,
    payment: Payment,
    amount: Decimal | None = None,
    by: User | None = None,
    details: dict | None = None,
) -> Payment:
    """Take the money an attempt holds or was promised (a card hold, cash at the door).

    `amount` is what was actually taken (the cash the courier collected); by default the
    attempt's amount. Another amount is recorded and flagged for staff, never marked paid.
    Recorded once per attempt: a second capture (a double click) changes nothing.
    """
    amount = payment.amount if amount is None else to_money(amount)
    if amount <= 0:
        raise PaymentError(_("Enter the amount collected."))
    key = _operation_key(payment, Operation.CAPTURE)
    result = get_provider(payment.method).capture(
        request=_request(payment, key, amount=amount, details=details)
    )
    return payment_record(
        payment_id=payment.pk, result=result, operation=Operation.CAPTURE, operation_key=key, by=by
    )


def payment_collect_cash(*, payment: Payment, amount: Decimal, by: User | None = None) -> Payment:
    """Staff record the cash the courier collected for a cash-on-delivery payment still due.

    Recorded once (a double submit changes nothing); another amount than due is flagged.
    """
    if payment.method != PaymentMethod.COD or payment.status != PaymentStatus.COD_DUE:
        raise PaymentError(_("This payment has no cash to collect."))
    return payment_capture(
        payment=payment, amount=amount, by=by, details={"collected_by": str(by or "")}
    )


def payment_refresh(*, payment: Payment) -> Payment:
    """Ask the provider where an attempt stands now (after 3-D Secure) and record it once."""
    provider = get_provider(payment.method)
    if not hasattr(provider, "retrieve") or not payment.reference:
        return payment
    key = _operation_key(payment, Operation.START)
    result = provider.retrieve(request=_request(payment, key, amount=payment.amount, details=None))
    return payment_record(
        payment_id=payment.pk, result=result, operation=Operation.START, operation_key=key
    )


def payment_void(*, payment: Payment, by: User | None = None) -> Payment:
    """Cancel an attempt before money was taken (an expired or cancelled order); idempotent."""
    payment = Payment.objects.get(pk=payment.pk)
    if payment.status not in VOIDABLE:
        return payment
    key = _operation_key(payment, Operation.VOID)
    result = get_provider(payment.method).void(
        request=_request(payment, key, amount=payment.amount, details=None)
    )
    return payment_record(
        payment_id=payment.pk, result=result, operation=Operation.VOID, operation_key=key, by=by
    )


def payment_problem(*, payment: Payment) -> str:
    """What to tell the customer about a failed attempt (the bank's message when there is one)."""
    failure = payment.events.filter(kind=PaymentEvent.Kind.FAILURE).order_by("-pk").first()
    return (failure.message if failure else "") or _("The payment did not go through.")


def payment_refund(
    *,
    payment: Payment,
    amount: Decimal,
    by: User | None = None,
    reason: str = "",
    key: str = "",
    details: dict | None = None,
) -> Refund:
    """Give back all or part of what was taken: reserve, commit, then ask the provider.

    The same `key` sent again (a retried request, a double-submitted form) refunds once.
    """
    refund, new = _reserve(payment=payment, amount=amount, by=by, reason=reason, key=key)
    if not new and not _left_by_a_crash(refund):
        return refund  # the earlier request with this key sends it (or already did)
    return refund_send(refund=refund, details=details)


# A refund an earlier request with the same key reserved, still not sent after this long, was
# left by a crash in between: the retry sends it (with the same provider key).
RETRY_UNSENT_REFUND_AFTER = timedelta(minutes=1)


def _left_by_a_crash(refund: Refund) -> bool:
    return (
        refund.status == Refund.Status.RESERVED
        and not refund.message  # a bank transfer waiting for staff was sent: it says so
        and refund.created_at < timezone.now() - RETRY_UNSENT_REFUND_AFTER
    )


def refund_confirm_payout(*, refund: Refund, reference: str, by: User | None = None) -> Refund:
    """Staff confirm a refund paid out by hand (a bank transfer); recorded once."""
    refund = Refund.objects.select_related("payment").get(pk=refund.pk)
    if refund.status != Refund.Status.RESERVED:
        return refund
    reference = reference.strip()[:120]
    if not reference:
        raise PaymentError(_("Enter the bank transfer's reference."))
    payment_record(
        payment_id=refund.payment_id,
        result=ProviderResult(
            Outcome.REFUNDED,
            refund.amount,
            currency=refund.currency,
            reference=f"refund-{refund.pk}",
            raw={"transfer_reference": reference},
        ),
        operation=Operation.REFUND,
        operation_key=f"refund-{refund.pk}",
        by=by,
        refund_id=refund.pk,
    )
    Refund.objects.filter(pk=refund.pk).update(reference=reference)
    refund.refresh_from_db()
    return refund


def payment_refund_remaining(*, payment: Payment, reason: str = "") -> list[Refund]:
    """Send refunds still reserved, then refund whatever is left; safe to run twice."""
    sent = [
        refund_send(refund=refund)
        for refund in payment.refunds.filter(status=Refund.Status.RESERVED)
    ]
    payment.refresh_from_db()
    if payment.status in REFUNDABLE and payment.refundable() > 0:
        sent.append(payment_refund(payment=payment, amount=payment.refundable(), reason=reason))
    return sent


def refund_reserve(
    *,
    payment: Payment,
    amount: Decimal,
    by: User | None = None,
    reason: str = "",
    key: str = "",
) -> Refund:
    """Reserve a refund's amount under the payment's lock, so refunds never exceed the capture.

    A request key already used on this payment returns that refund instead of a second one.
    """
    return _reserve(payment=payment, amount=amount, by=by, reason=reason, key=key)[0]


def _reserve(
    *, payment: Payment, amount: Decimal, by: User | None, reason: str, key: str
) -> tuple[Refund, bool]:
    amount = to_money(amount)
    key = key.strip()[:100]
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        earlier = locked.refunds.filter(request_key=key).first() if key else None
        if earlier is not None:
            return earlier, False
        if locked.status not in REFUNDABLE:
            raise PaymentError(_("Only a payment that was taken can be refunded."))
        refundable = locked.refundable()
        if amount <= 0 or amount > refundable:
            raise PaymentError(
                _("A refund must be more than 0 and at most %(amount)s %(currency)s.")
                % {"amount": refundable, "currency": locked.currency}
            )
        refund = Refund.objects.create(
            payment=locked,
            amount=amount,
            currency=locked.currency,
            reason=reason[:255],
            request_key=key,
            created_by=by,
        )
    return refund, True


def refund_send(*, refund: Refund, details: dict | None = None) -> Refund:
    """Ask the provider for a reserved refund (outside any lock) and record its answer.

    Safe to call again for a refund still reserved (a crash or a timeout in between): the
    provider sees the same operation key, and the ledger the same movement.
    """
    refund = Refund.objects.select_related("payment").get(pk=refund.pk)
    if refund.status != Refund.Status.RESERVED:
        return refund
    payment = refund.payment
    key = f"refund-{refund.pk}"
    # A provider of an internal ledger (the tab) records the refund itself, under its own locks.
    details = {**(details or {}), "refund_id": refund.pk}
    result = get_provider(payment.method).refund(
        request=_request(payment, key, amount=refund.amount, details=details)
    )
    if result.outcome == Outcome.PENDING:
        # Paid out by hand (a bank transfer): it stays reserved until staff confirm it.
        Refund.objects.filter(pk=refund.pk).update(message=result.message[:255])
        refund.refresh_from_db()
        return refund
    payment_record(
        payment_id=payment.pk,
        result=result,
        operation=Operation.REFUND,
        operation_key=key,
        by=refund.created_by,
        refund_id=refund.pk,
    )
    refund.refresh_from_db()
    return refund


def payment_record(
    *,
    payment_id: int,
    result: ProviderResult,
    operation: Operation,
    operation_key: str,
    by: User | None = None,
    refund_id: int | None = None,
) -> Payment:
    """Write the provider's answer to the ledger once and move the payment by the status table.

    A capture of another amount or currency is recorded and flagged for staff, never paid.
    """
    kind = _KIND_BY_OUTCOME[result.outcome]
    movement = result.reference or operation_key
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        refund = Refund.objects.select_for_update().get(pk=refund_id) if refund_id else None
        try:
            with transaction.atomic():
                PaymentEvent.objects.create(
                    payment=payment,
                    kind=kind,
                    amount=result.amount,
                    currency=result.currency,
                    reference=result.reference,
                    message=result.message[:255],
                    raw=without_secrets(result.raw),
                    refund=refund,
                    idempotency_key=f"{kind}:{movement}"[:200],
                    created_by=by,
                )
        except IntegrityError:
            return payment  # already recorded: a retry or a duplicate notification
        if refund is not None:
            _settle_refund(refund, result)
        if kind == PaymentEvent.Kind.REFUND:
            payment_refund_recorded.send(
                sender=Payment, payment=payment, amount=result.amount, key=f"{kind}:{movement}"
            )
        previous = payment.status
        fields = ["status", "reference", "needs_review", "review_note", "updated_at"]
        target = _status_after(payment, result, operation)
        problem = _mismatch(payment, result)
        if problem:
            payment.needs_review, payment.review_note = True, problem[:255]
            target = None
            payment_flagged.send(sender=Payment, payment=payment, note=problem)
        if target and target != previous and can_transition(previous, target):
            payment.status = target
        if result.attempt_reference and not payment.reference:
            payment.reference = result.attempt_reference
        payment.save(update_fields=fields)
        if payment.status != previous:
            payment_status_changed.send(
                sender=Payment, payment=payment, previous=previous, status=payment.status
            )
        if kind == PaymentEvent.Kind.CAPTURE and payment.status == PaymentStatus.PAID:
            _refunded_before_capture(payment)
    return payment


def _refunded_before_capture(payment: Payment) -> None:
    """A tab order refunded off the open tab, then settled: paid, then (partially) refunded."""
    refunded = payment.ledger_sum(PaymentEvent.Kind.REFUND)
    if refunded <= 0:
        return
    captured = payment.ledger_sum(PaymentEvent.Kind.CAPTURE)
    target = PaymentStatus.REFUNDED if refunded >= captured else PaymentStatus.PARTIALLY_REFUNDED
    payment.status = target
    payment.save(update_fields=["status", "updated_at"])
    payment_status_changed.send(
        sender=Payment, payment=payment, previous=PaymentStatus.PAID, status=target
    )


def _settle_refund(refund: Refund, result: ProviderResult) -> None:
    succeeded = result.outcome == Outcome.REFUNDED
    refund.status = Refund.Status.SUCCEEDED if succeeded else Refund.Status.FAILED
    refund.reference = result.reference
    refund.message = result.message[:255]
    refund.save(update_fields=["status", "reference", "message", "updated_at"])


def _status_after(payment: Payment, result: ProviderResult, operation: Operation) -> str | None:
    outcome = result.outcome
    if outcome == Outcome.FAILED:
        # A declined start or capture fails the attempt; a failed refund or void changes nothing.
        return PaymentStatus.FAILED if operation in (Operation.START, Operation.CAPTURE) else None
    if outcome == Outcome.PENDING:
        return get_provider(payment.method).pending_status
    if outcome == Outcome.REFUNDED:
        refunded = payment.ledger_sum(PaymentEvent.Kind.REFUND)
        if payment.status == PaymentStatus.ON_TAB:  # taken off the open tab: on it while owed
            return PaymentStatus.REFUNDED if refunded >= payment.amount else None
        captured = payment.taken()
        return PaymentStatus.REFUNDED if refunded >= captured else PaymentStatus.PARTIALLY_REFUNDED
    return {
        Outcome.AUTHORIZED: PaymentStatus.AUTHORIZED,
        Outcome.CAPTURED: PaymentStatus.PAID,
        Outcome.REQUIRES_ACTION: PaymentStatus.REQUIRES_ACTION,
        Outcome.VOIDED: PaymentStatus.VOIDED,
        Outcome.BOUNCED: PaymentStatus.BOUNCED,
        Outcome.RETURNED: PaymentStatus.RETURNED,
    }[outcome]


def _mismatch(payment: Payment, result: ProviderResult) -> str:
    """Why a taken or held amount does not match the attempt ("" when it does)."""
    if result.outcome not in (Outcome.CAPTURED, Outcome.AUTHORIZED, Outcome.PENDING):
        return ""
    if result.currency != payment.currency or result.amount != payment.amount:
        return _("The provider reported %(got)s %(got_currency)s for %(want)s %(currency)s.") % {
            "got": result.amount,
            "got_currency": result.currency,
            "want": payment.amount,
            "currency": payment.currency,
        }
    return ""


def without_secrets(raw: Any) -> Any:
    if isinstance(raw, dict):
        return {k: without_secrets(v) for k, v in raw.items() if k not in _SECRET_FIELDS}
    if isinstance(raw, list):
        return [without_secrets(item) for item in raw]
    return raw


def _operation_key(payment: Payment, operation: Operation) -> str:
    return f"payment-{payment.pk}-{operation}"


def _request(
    payment: Payment, key: str, *, amount: Decimal, details: dict | None
) -> PaymentRequest:
    return PaymentRequest(
        payment_id=payment.pk,
        order_number=payment.order.number
        if payment.order_id
        else f"{payment.purpose}-{payment.pk}",
        amount=amount,
        currency=payment.currency,
        idempotency_key=key,
        customer_id=payment.owner_id,
        reference=payment.reference,
        details=details or {},
    )
