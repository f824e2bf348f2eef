"""Refunds: reserved under the payment's lock, sent to the provider outside it, then recorded.

A refund's status changes only through `refund_transition`, by the table in payments/states.py.
The periodic job re-sends refunds a crash or a provider error left reserved (`refund_resend`).
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.audit import audit_record
from shop.models import User
from shop.money import format_money, to_money

from ..exceptions import PaymentError
from ..interface import Outcome, ProviderResult
from ..models import Payment, PaymentPurpose, Refund
from ..registry import get_provider, purpose_refunds
from ..signals import refund_awaiting_payout
from ..states import (
    REFUNDABLE,
    RefundStatus,
)
from .ledger import Operation, _request, payment_record, provider_answer
from .refund_status import refund_transition


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
    A purpose with refunds of its own goes to them (a balance top-up: the credit is taken back
    first); a tab settlement is refused (its orders are refunded instead).
    """
    handler = purpose_refunds(payment.purpose)
    if handler is not None:
        return handler.refund(
            payment=payment, amount=amount, by=by, reason=reason, key=key, details=details
        )
    return _refund(payment=payment, amount=amount, by=by, reason=reason, key=key, details=details)


def _refund(
    *,
    payment: Payment,
    amount: Decimal,
    by: User | None,
    reason: str,
    key: str,
    details: dict | None,
    purpose_ok: bool = False,
) -> Refund:
    refund, new = _reserve(
        payment=payment, amount=amount, by=by, reason=reason, key=key, purpose_ok=purpose_ok
    )
    if not new and not _left_by_a_crash(refund):
        return refund  # the earlier request with this key sends it (or already did)
    return refund_send(refund=refund, details=details)


# A refund an earlier request with the same key reserved, still not sent after this long, was
# left by a crash in between: the retry sends it (with the same provider key).
RETRY_UNSENT_REFUND_AFTER = timedelta(minutes=1)


def _left_by_a_crash(refund: Refund) -> bool:
    return (
        refund.status == Refund.Status.RESERVED
        and refund.created_at < timezone.now() - RETRY_UNSENT_REFUND_AFTER
    )


def refund_ids_unsent(*, older_than: object) -> list[int]:
    """Refunds reserved, unsent and untouched since this moment (a crash, a Stripe error)."""
    return list(
        Refund.objects.filter(status=RefundStatus.RESERVED, updated_at__lt=older_than)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:200]
    )


def refund_ids_sent(*, older_than: object) -> list[int]:
    """Refunds the provider accepted and has not finished (Stripe `pending`) since this moment."""
    return list(
        Refund.objects.filter(status=RefundStatus.SENT, updated_at__lt=older_than)
        .order_by("updated_at", "pk")
        .values_list("pk", flat=True)[:200]
    )


def refund_resend(*, refund_id: int, older_than: object | None = None) -> Refund | None:
    """The periodic job's step for one refund left reserved and unsent (or sent, still pending).

    A Stripe refund is looked up first (our refund id is in its metadata) and sent only when
    Stripe has none for it; a pending one is read back. Safe to run twice: a reserved refund is
    claimed under its lock first (its `updated_at` moves), so a second run at once skips it.
    """
    refund = Refund.objects.select_related("payment").filter(pk=refund_id).first()
    if refund is None:
        return None
    provider = get_provider(refund.payment.method)
    if refund.status == RefundStatus.RESERVED:
        if older_than is not None and not _resend_claim(refund_id=refund.pk, older_than=older_than):
            return refund
        return refund_send(refund=refund, details={"look_up_first": True})
    if refund.status == RefundStatus.SENT and hasattr(provider, "refund_retrieve"):
        payment = refund.payment
        key = f"refund-{refund.pk}"
        result = provider.refund_retrieve(
            request=_request(payment, key, amount=refund.amount, details={"refund_id": refund.pk})
        )
        if result is not None and result.outcome in (Outcome.REFUNDED, Outcome.FAILED):
            payment_record(
                payment_id=payment.pk,
                result=result,
                operation=Operation.REFUND,
                operation_key=key,
                refund_id=refund.pk,
            )
        refund.refresh_from_db()
    return refund


def _resend_claim(*, refund_id: int, older_than: object) -> bool:
    with transaction.atomic():
        locked = Refund.objects.select_for_update().get(pk=refund_id)
        if locked.status != RefundStatus.RESERVED or locked.updated_at >= older_than:
            return False  # sent meanwhile, or another run claimed it just now
        locked.save(update_fields=["updated_at"])
    return True


def refund_confirm_payout(*, refund: Refund, reference: str, by: User | None = None) -> Refund:
    """Staff confirm a refund paid out by hand (a bank transfer); recorded once."""
    refund = Refund.objects.select_related("payment").get(pk=refund.pk)
    if refund.status != Refund.Status.AWAITING_PAYOUT:
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
        audit=("refund.payout_confirm", reference),
    )
    refund.refresh_from_db()
    return refund


def payment_refund_remaining(*, payment: Payment, reason: str = "") -> list[Refund]:
    """Send refunds still reserved, then refund whatever is left; safe to run twice.

    The shop's own path for a charge nobody wanted (a cancelled order, a second settlement of a
    tab already paid): a tab settlement is refunded here; a top-up takes its credit back first.
    """
    sent = [
        refund_send(refund=refund)
        for refund in payment.refunds.filter(status=Refund.Status.RESERVED)
    ]
    payment.refresh_from_db()
    if payment.status in REFUNDABLE and payment.refundable() > 0:
        if purpose_refunds(payment.purpose) is not None:
            sent.append(payment_refund(payment=payment, amount=payment.refundable(), reason=reason))
        else:
            sent.append(
                _refund(
                    payment=payment,
                    amount=payment.refundable(),
                    by=None,
                    reason=reason,
                    key="",
                    details=None,
                    purpose_ok=True,
                )
            )
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
    *,
    payment: Payment,
    amount: Decimal,
    by: User | None,
    reason: str,
    key: str,
    purpose_ok: bool = False,
    locked: Payment | None = None,
) -> tuple[Refund, bool]:
    """Reserve under the payment's lock (taken here, or already held by the caller: `locked`)."""
    amount = to_money(amount)
    key = key.strip()[:100]
    with transaction.atomic():
        if locked is None:
            locked = Payment.objects.select_for_update().get(pk=payment.pk)
        earlier = locked.refunds.filter(request_key=key).first() if key else None
        if earlier is not None:
            return earlier, False
        if not purpose_ok:
            _refusable_purpose(locked)
        if locked.status not in REFUNDABLE:
            raise PaymentError(_("Only a payment that was taken can be refunded."))
        refundable = locked.refundable()
        if amount <= 0 or amount > refundable:
            raise PaymentError(
                _("A refund must be more than 0 and at most %(amount)s.")
                % {"amount": format_money(refundable, locked.currency)}
            )
        refund = Refund.objects.create(
            payment=locked,
            amount=amount,
            currency=locked.currency,
            reason=reason[:255],
            request_key=key,
            created_by=by,
        )
        audit_record(
            actor=by,
            action="refund.reserve",
            target=refund,
            reason=reason,
            details={"payment": locked.pk, "amount": amount, "currency": locked.currency},
        )
    return refund, True


def _refusable_purpose(payment: Payment) -> None:
    """Refuse what the generic refund may not give back: its own service or its orders do."""
    if payment.purpose == PaymentPurpose.TAB_SETTLEMENT:
        raise PaymentError(
            _("A tab settlement is not refunded directly: refund the orders on the tab instead.")
        )
    if payment.purpose == PaymentPurpose.TOP_UP:
        raise PaymentError(
            _("A balance top-up is refunded with the top-up refund, which takes the credit back.")
        )


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
    details = {**(details or {}), "refund_id": refund.pk}
    provider_answer(
        payment=payment,
        call="refund",
        request=_request(payment, key, amount=refund.amount, details=details),
        record=lambda result: _refund_record(refund=refund, result=result, key=key),
    )
    refund.refresh_from_db()
    return refund


def _refund_record(*, refund: Refund, result: ProviderResult, key: str) -> None:
    """Write a provider's answer to a refund: done or failed to the ledger, else marked sent."""
    if result.outcome in (Outcome.PENDING, Outcome.SENT):
        # PENDING: paid out by hand (a bank transfer), waiting for staff to confirm it.
        # SENT: the provider took it and has not finished (Stripe `pending`): not done yet.
        _refund_mark_sent(refund=refund, result=result)
        return
    payment_record(
        payment_id=refund.payment_id,
        result=result,
        operation=Operation.REFUND,
        operation_key=key,
        by=refund.created_by,
        refund_id=refund.pk,
        audit=("refund.send", ""),
    )


def _refund_mark_sent(*, refund: Refund, result: ProviderResult) -> None:
    target = (
        RefundStatus.AWAITING_PAYOUT if result.outcome == Outcome.PENDING else RefundStatus.SENT
    )
    with transaction.atomic():
        locked = Refund.objects.select_for_update().get(pk=refund.pk)
        fields = {"message": result.message}
        if result.outcome == Outcome.SENT:
            fields["reference"] = result.reference
        if refund_transition(refund=locked, to=target, **fields):
            audit_record(
                actor=locked.created_by,
                action="refund.send",
                target=locked,
                details={"status": target, "reference": locked.reference},
            )
            if target == RefundStatus.AWAITING_PAYOUT:
                refund_awaiting_payout.send(sender=Refund, refund=locked)
