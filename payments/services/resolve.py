"""Resolving a flagged payment: what was taken did not match what was due (a typo in the cash
collected, a card captured for another amount), so the payment was recorded but not moved.

Staff either accept what was taken (the payment becomes paid; more than due is refunded, less
than due is asked for on the order) or record a correcting movement keyed by the resolution
(the cash was really 300: the ledger is corrected, then the same rules apply). Decided under
the payment's lock; the flag clears; both are in the audit trail.
"""

from decimal import Decimal
from enum import StrEnum

from django.db import transaction
from django.utils.translation import gettext as _

from shop.audit import audit_record
from shop.background import enqueue_on_commit
from shop.models import User
from shop.money import to_money

from ..exceptions import PaymentError
from ..models import Payment, PaymentEvent, Refund
from ..signals import payment_resolved, payment_status_changed
from ..states import PaymentStatus, can_transition
from .refunds import refund_reserve


class Resolution(StrEnum):
    ACCEPT = "accept"  # what the ledger says was taken is right
    CORRECT = "correct"  # the ledger is wrong: this much was really taken


def payment_resolve(
    *,
    payment: Payment,
    resolution: str,
    amount: Decimal | None = None,
    reason: str,
    by: User | None = None,
    key: str = "",
) -> Payment:
    """Clear a payment's flag: accept what was taken, or correct it to `amount` first.

    The payment becomes paid. Taken more than due: the difference is reserved as a refund
    (sent after commit). Taken less: the order is flagged with what is still owed.
    """
    reason = " ".join(reason.split())[:255]
    if not reason:
        raise PaymentError(_("Say why the payment is resolved this way."))
    if resolution not in Resolution.__members__.values():
        raise PaymentError(_("Choose how to resolve the payment."))
    refund: Refund | None = None
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if not locked.needs_review:
            raise PaymentError(_("This payment has nothing to resolve."))
        resolution_key = f"resolve-{locked.pk}-{key.strip()[:60] or 'staff'}"
        recorded = locked.taken()
        if resolution == Resolution.CORRECT:
            if amount is None or to_money(amount) <= 0:
                raise PaymentError(_("Enter the amount that was really taken."))
            _correct(locked, to_money(amount) - recorded, key=resolution_key, by=by)
        taken = locked.taken()
        if taken <= 0:
            raise PaymentError(_("Nothing was taken: cancel the payment instead."))
        previous = locked.status
        if previous != PaymentStatus.PAID:
            if not can_transition(previous, PaymentStatus.PAID):
                raise PaymentError(
                    _("A payment that is “%(status)s” cannot be resolved as paid.")
                    % {"status": PaymentStatus(previous).label}
                )
            locked.status = PaymentStatus.PAID
        note = locked.review_note
        locked.needs_review, locked.review_note = False, ""
        locked.save(update_fields=["status", "needs_review", "review_note", "updated_at"])
        if locked.status != previous:
            payment_status_changed.send(
                sender=Payment, payment=locked, previous=previous, status=locked.status
            )
        over, owed = max(taken - locked.amount, 0), max(locked.amount - taken, 0)
        if over:
            refund = refund_reserve(
                payment=locked,
                amount=over,
                by=by,
                reason=_("Taken more than due"),
                key=resolution_key,
            )
        payment_resolved.send(sender=Payment, payment=locked, owed=owed, flag=note)
        audit_record(
            actor=by,
            action=f"payment.resolve.{resolution}",
            target=locked,
            reason=reason,
            details={
                "flag": note,
                "recorded": recorded,
                "taken": taken,
                "due": locked.amount,
                "refund": refund.pk if refund is not None else None,
                "owed": owed,
            },
        )
    if refund is not None:
        enqueue_on_commit("payments.send_refund", refund.pk)
    return locked


def _correct(payment: Payment, difference: Decimal, *, key: str, by: User | None) -> None:
    """The movement that makes the ledger say what was really taken, keyed by the resolution:
    a capture of what was missing, or a correction of what was recorded too much."""
    if difference == 0:
        return
    kind = PaymentEvent.Kind.CAPTURE if difference > 0 else PaymentEvent.Kind.CORRECTION
    PaymentEvent.objects.create(
        payment=payment,
        kind=kind,
        amount=abs(difference),
        currency=payment.currency,
        reference=key,
        message=_("Corrected by staff"),
        idempotency_key=f"{kind}:{key}"[:200],
        created_by=by,
    )
