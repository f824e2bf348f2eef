"""Every write of the payments app: payment attempts, refunds and their ledger.

Provider calls that may go over the network happen outside any transaction and any row lock;
the answer is then recorded in a short transaction that locks the payment row. Each ledger row
is keyed by the money movement it records (the provider's object id, or the id of our own
operation), so a retried call or a duplicate notification records nothing twice.
"""

from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.audit import audit_record
from shop.models import User
from shop.money import format_money, to_money

from ..exceptions import PaymentError
from ..interface import Outcome, PaymentRequest, ProviderResult
from ..models import Payment, PaymentEvent, PaymentPurpose, Refund
from ..registry import get_provider, payment_owed, purpose_refunds
from ..signals import payment_flagged, payment_refund_recorded, payment_status_changed
from ..states import (
    REFUND_OPEN,
    VOIDABLE,
    PaymentMethod,
    PaymentStatus,
    RefundStatus,
    can_transition,
)
from .refund_status import refund_transition

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
# The only provider keys a ledger row keeps: ids, statuses and amounts. The ledger cannot be
# changed, so it must hold nothing an erasure would have to scrub (emails, names, IBANs, notes).
LEDGER_RAW_KEYS = frozenset(
    {
        "id",
        "object",
        "status",
        "amount",
        "currency",
        "code",
        "reason",
        "charge",
        "payment_intent",
        "refund",
        "dispute",
        "balance_entry",
        "settlement_payment",
        "off_tab",
        "transfer_reference",
        "source",
    }
)


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
    try:
        result = get_provider(locked.method).authorize(
            request=_request(locked, key, amount=locked.amount, details=details)
        )
    except PaymentError:
        # Nothing was recorded (Stripe unreachable, no card): let the shopper's retry start it
        # again at once with the same key, instead of finding it claimed for minutes.
        _start_unclaim(payment_id=locked.pk, claimed_at=locked.started_at)
        raise
    return payment_record(
        payment_id=locked.pk, result=result, operation=Operation.START, operation_key=key
    )


def _start_unclaim(*, payment_id: int, claimed_at: object) -> None:
    """Give back the start claim of an attempt whose provider call raised, under its lock."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment_id)
        if locked.status == PaymentStatus.UNPAID and locked.started_at == claimed_at:
            locked.started_at = None
            locked.save(update_fields=["started_at", "updated_at"])


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
    provider_answer(
        payment=payment,
        call="void",
        request=_request(payment, key, amount=payment.amount, details=None),
        record=lambda result: payment_record(
            payment_id=payment.pk, result=result, operation=Operation.VOID, operation_key=key, by=by
        ),
    )
    return Payment.objects.get(pk=payment.pk)


def provider_answer(
    *,
    payment: Payment,
    call: str,
    request: PaymentRequest,
    record: Callable[[ProviderResult], object],
) -> ProviderResult:
    """Ask the payment's provider to `call` ("refund", "void") and record its answer once.

    A provider that keeps rows of its own (the tab) offers `hold`: opened here in one transaction,
    it locks them before the payment and says whether its answer comes from them; then it is
    asked and its answer recorded under the same locks. Otherwise (or when its money moves
    outside, e.g. at Stripe) it is asked outside any lock, and the answer recorded after.
    """
    provider = get_provider(payment.method)
    hold = getattr(provider, "hold", None)
    if hold is not None:
        with transaction.atomic(), hold(request=request) as in_house:
            if in_house:
                result = getattr(provider, call)(request=request)
                record(result)
                return result
    result = getattr(provider, call)(request=request)
    record(result)
    return result


def payment_problem(*, payment: Payment) -> str:
    """What to tell the customer about a failed attempt (the bank's message when there is one)."""
    failure = payment.events.filter(kind=PaymentEvent.Kind.FAILURE).order_by("-pk").first()
    return (failure.message if failure else "") or _("The payment did not go through.")


def payment_flag(*, payment_id: int, note: str, action: str = "payment.flag") -> Payment:
    """Put a payment (and its order, through `payment_flagged`) up for staff's review; audited."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        payment.needs_review, payment.review_note = True, note[:255]
        payment.save(update_fields=["needs_review", "review_note", "updated_at"])
        payment_flagged.send(sender=Payment, payment=payment, note=note)
        audit_record(actor=None, action=action, target=payment, reason=note)
    return payment


def payment_ids_start_lost(*, older_than: object) -> list[int]:
    """Order payments a method starts right after placement (cash, e-check) never started.

    A crash between the order's commit and the start leaves the order waiting for payment with
    an attempt nobody claimed; the periodic job starts it.
    """
    methods = [
        method
        for method in PaymentMethod.values
        if not get_provider(method).starts_in_browser
        and not get_provider(method).starts_at_placement
    ]
    return list(
        Payment.objects.filter(
            purpose=PaymentPurpose.ORDER,
            method__in=methods,
            status=PaymentStatus.UNPAID,
            started_at__isnull=True,
            created_at__lt=older_than,
            order__status="pending_payment",
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:200]
    )


def payment_record(
    *,
    payment_id: int,
    result: ProviderResult,
    operation: Operation,
    operation_key: str,
    by: User | None = None,
    refund_id: int | None = None,
    audit: tuple[str, str] | None = None,
) -> Payment:
    """Write the provider's answer to the ledger once and move the payment by the status table.

    A capture of another amount or currency is recorded and flagged for staff, never paid.
    A refund's answer is written only while the refund is still open (under its lock).
    `audit` (action, reason) records the refund's outcome in the audit trail.
    """
    kind = _KIND_BY_OUTCOME[result.outcome]
    if kind == PaymentEvent.Kind.REFUND and not result.moves_cash:
        kind = PaymentEvent.Kind.REFUND_OFF_TAB
    movement = result.reference or operation_key
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        refund = Refund.objects.select_for_update().get(pk=refund_id) if refund_id else None
        if refund is not None and refund.status not in REFUND_OPEN:
            return payment  # settled meanwhile (a webhook, the periodic job, staff): once only
        try:
            with transaction.atomic():
                PaymentEvent.objects.create(
                    payment=payment,
                    kind=kind,
                    amount=result.amount,
                    currency=result.currency,
                    reference=result.reference,
                    message=result.message[:255],
                    raw=ledger_raw(result.raw),
                    moves_cash=_moves_cash(payment, kind, result),
                    refund=refund,
                    idempotency_key=f"{kind}:{movement}"[:200],
                    created_by=by,
                )
        except IntegrityError:
            return payment  # already recorded: a retry or a duplicate notification
        if refund is not None:
            _settle_refund(refund, result)
            handler = purpose_refunds(payment.purpose)
            if refund.status == RefundStatus.FAILED and handler is not None:
                handler.refund_failed(refund=refund)  # e.g. a top-up's credit goes back
            if audit is not None:
                audit_record(
                    actor=by,
                    action=audit[0],
                    target=refund,
                    reason=audit[1],
                    details={"status": refund.status, "amount": refund.amount},
                )
        if kind in PaymentEvent.REFUND_KINDS:
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


def _moves_cash(payment: Payment, kind: str, result: ProviderResult) -> bool:
    """False for a movement no cash went with (off the tab; a capture the tab's charge covers)."""
    if not result.moves_cash or kind == PaymentEvent.Kind.REFUND_OFF_TAB:
        return False
    if kind == PaymentEvent.Kind.CAPTURE:
        return getattr(get_provider(payment.method), "capture_moves_cash", True)
    return True


def _refunded_before_capture(payment: Payment) -> None:
    """A tab order refunded off the open tab, then settled: paid, then (partially) refunded."""
    refunded = payment.refunded()
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
    target = Refund.Status.SUCCEEDED if succeeded else Refund.Status.FAILED
    fields = {"message": result.message}
    # A bank transfer keeps staff's transfer reference; a provider refund its own id.
    transfer = (result.raw or {}).get("transfer_reference")
    fields["reference"] = str(transfer) if transfer else result.reference
    refund_transition(refund=refund, to=target, **fields)


def _status_after(payment: Payment, result: ProviderResult, operation: Operation) -> str | None:
    outcome = result.outcome
    if outcome == Outcome.FAILED:
        # A declined start or capture fails the attempt; a failed refund or void changes nothing.
        return PaymentStatus.FAILED if operation in (Operation.START, Operation.CAPTURE) else None
    if outcome == Outcome.PENDING:
        return get_provider(payment.method).pending_status
    if outcome == Outcome.REFUNDED:
        # Partly refunded only from a status the table allows it from (an order still on the
        # tab stays on it while it owes anything).
        if payment.refunded() >= payment_owed(payment):
            return PaymentStatus.REFUNDED
        return PaymentStatus.PARTIALLY_REFUNDED
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
        return _("The provider reported %(got)s for %(want)s.") % {
            "got": format_money(result.amount, result.currency),
            "want": format_money(payment.amount, payment.currency),
        }
    return ""


def ledger_raw(raw: Any) -> dict:
    """What a ledger row keeps of a provider's data: allow-listed scalar keys only."""
    if not isinstance(raw, dict):
        return {}
    return {
        key: value
        for key, value in raw.items()
        if key in LEDGER_RAW_KEYS and (value is None or isinstance(value, str | int | float))
    }


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
