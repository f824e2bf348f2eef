"""Stripe webhooks for the card and the wallet: verified, stored once by their id, then processed
by a task (a PaymentIntent, a refund made here or in Stripe's dashboard, a dispute)."""

import logging
from typing import Any

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.background import enqueue_on_commit
from shop.embedded import FAKE_STRIPE_WEBHOOK_SECRET
from shop.money import format_money
from shop.webhooks import timestamp_fresh, webhook_secret_usable

from ...exceptions import PaymentError
from ...interface import Outcome
from ...models import (
    Payment,
    PaymentEvent,
    PaymentPurpose,
    Refund,
    StripeEvent,
)
from ...services.ledger import (
    LEDGER_RAW_KEYS,
    Operation,
    payment_flag,
    payment_record,
    without_secrets,
)
from ...services.refunds import _refund_mark_sent
from ...states import REFUND_OPEN, RefundStatus
from .client import from_stripe_amount
from .intents import intent_result
from .provider import refund_result
from .services import _STRIPE_METHODS, _id

logger = logging.getLogger(__name__)


class InvalidWebhook(PaymentError):
    """A webhook whose signature, timestamp or body does not check out."""


def stripe_event_receive(*, payload: bytes, signature: str) -> StripeEvent:
    """Verify a webhook and store its event once; its work is queued after commit."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    # An empty secret (or, in production, the public development one) accepts anyone's signature.
    if not webhook_secret_usable(secret, development_value=FAKE_STRIPE_WEBHOOK_SECRET):
        raise InvalidWebhook("no usable webhook secret configured")
    tolerance = settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS
    try:
        event = stripe.Webhook.construct_event(
            payload.decode("utf-8"), signature, secret, tolerance=tolerance
        )
    except (ValueError, UnicodeDecodeError, stripe.SignatureVerificationError) as error:
        raise InvalidWebhook(str(error)) from None
    # Stripe's check only refuses old timestamps; a signed one from the future is refused too.
    # (The header's last `t=` is the one Stripe's check verified.)
    sent_at = dict(part.partition("=")[::2] for part in signature.split(",")).get("t")
    if not timestamp_fresh(sent_at, tolerance_seconds=tolerance):
        raise InvalidWebhook("timestamp outside the tolerance")
    data = event.to_dict()
    with transaction.atomic():
        row, created = StripeEvent.objects.get_or_create(
            event_id=str(data.get("id", ""))[:120],
            defaults={"type": str(data.get("type", ""))[:80], "payload": without_secrets(data)},
        )
        if created:
            enqueue_on_commit("payments.process_stripe_event", row.pk)
    return row


def stripe_event_process(*, event_pk: int) -> bool:
    """Apply a stored event to its payment once; True if it was applied now."""
    with transaction.atomic():
        event = StripeEvent.objects.select_for_update().filter(pk=event_pk).first()
        if event is None or event.processed_at is not None:
            return False
        obj = (event.payload.get("data") or {}).get("object") or {}
        if event.type.startswith("payment_intent."):
            _apply_intent(obj, event_id=event.event_id)
        elif event.type in ("refund.created", "refund.updated", "refund.failed"):
            _apply_refund(obj, event_id=event.event_id)
        elif event.type == "charge.refunded":
            for refund in (obj.get("refunds") or {}).get("data") or []:
                _apply_refund(
                    {"payment_intent": obj.get("payment_intent"), **refund},
                    event_id=event.event_id,
                )
        elif event.type.startswith("charge.dispute."):
            _apply_dispute(obj, kind=event.type, event_id=event.event_id)
        event.processed_at = timezone.now()
        # Applied: what is kept for staff is ids, statuses and amounts, no customer's details.
        event.payload = event_payload_pared(event.payload)
        event.save(update_fields=["processed_at", "payload"])
    return True


def _apply_intent(intent: dict, *, event_id: str) -> None:
    payment_id = str((intent.get("metadata") or {}).get("payment_id", ""))
    payment = (
        Payment.objects.filter(pk=int(payment_id), method__in=_STRIPE_METHODS).first()
        if payment_id.isdigit()
        else None
    )
    if payment is None or (payment.reference and payment.reference != intent.get("id")):
        logger.warning("Stripe event %s names no payment of ours", event_id)
        return
    result = intent_result(intent)
    if result is not None:
        payment_record(
            payment_id=payment.pk,
            result=result,
            operation=Operation.START,
            operation_key=f"event-{event_id}",
        )


# What a processed webhook event keeps: ids, statuses, amounts and our own metadata; billing
# details, emails, names and card details of the customer are dropped.
_EVENT_KEYS = LEDGER_RAW_KEYS | {
    "type",
    "created",
    "data",
    "metadata",
    "refunds",
    "latest_charge",
    "amount_received",
    "amount_refunded",
    "failure_reason",
    "decline_code",
    "last_payment_error",
    "payment_id",
    "refund_id",
    "order",
    "message",
}


def event_payload_pared(value: Any) -> Any:
    """A Stripe event with only the allow-listed keys, at every level."""
    if isinstance(value, dict):
        return {k: event_payload_pared(v) for k, v in value.items() if k in _EVENT_KEYS}
    if isinstance(value, list):
        return [event_payload_pared(item) for item in value]
    return value


def _payment_of_intent(intent_id: object) -> Payment | None:
    intent_id = _id(intent_id)
    if not intent_id:
        return None
    return Payment.objects.filter(reference=intent_id, method__in=_STRIPE_METHODS).first()


def _apply_refund(obj: dict, *, event_id: str) -> None:
    """A Stripe refund's news: ours settles (done, failed, still pending); one made in Stripe's
    dashboard is recorded against its payment, keyed by the Stripe refund id (once)."""
    result = refund_result(obj)
    ours_id = str((obj.get("metadata") or {}).get("refund_id", ""))
    ours = Refund.objects.filter(pk=int(ours_id)).first() if ours_id.isdigit() else None
    if ours is None and result.reference:
        ours = Refund.objects.filter(reference=result.reference).first()
    if ours is not None:
        if result.outcome == Outcome.SENT:
            _refund_mark_sent(refund=ours, result=result)
        elif ours.status in REFUND_OPEN:
            payment_record(
                payment_id=ours.payment_id,
                result=result,
                operation=Operation.REFUND,
                operation_key=f"refund-{ours.pk}",
                refund_id=ours.pk,
            )
        elif ours.status == RefundStatus.SUCCEEDED and result.outcome == Outcome.FAILED:
            payment_flag(
                payment_id=ours.payment_id,
                note=_("Stripe reports refund %(refund)s failed after it was recorded as done.")
                % {"refund": result.reference},
                action="refund.failed_late",
            )
        return
    payment = _payment_of_intent(obj.get("payment_intent"))
    if payment is None:
        logger.warning("Stripe event %s names no payment of ours", event_id)
        return
    if result.outcome != Outcome.REFUNDED:
        return  # a dashboard refund is recorded once it went through
    payment_record(
        payment_id=payment.pk,
        result=result,
        operation=Operation.REFUND,
        operation_key=result.reference,
    )
    if payment.purpose == PaymentPurpose.TOP_UP:  # the balance still holds the credit
        payment_flag(
            payment_id=payment.pk,
            note=_("Refunded in Stripe's dashboard: take the credit back from the balance."),
            action="payment.refunded_at_stripe",
        )


def _apply_dispute(obj: dict, *, kind: str, event_id: str) -> None:
    """A dispute opened or closed at Stripe: the payment and its order are flagged for staff."""
    payment = _payment_of_intent(obj.get("payment_intent"))
    if payment is None and obj.get("charge"):
        event = PaymentEvent.objects.filter(
            kind=PaymentEvent.Kind.CAPTURE, reference=_id(obj.get("charge"))
        ).first()
        payment = event.payment if event is not None else None
    if payment is None:
        logger.warning("Stripe event %s names no payment of ours", event_id)
        return
    currency = str(obj.get("currency", "")).upper()
    amount = from_stripe_amount(int(obj.get("amount") or 0), currency)
    values = {
        "amount": format_money(amount, currency),
        "reason": str(obj.get("reason", "")),
        "status": str(obj.get("status", "")),
    }
    if kind == "charge.dispute.closed":
        note = _("Dispute closed at Stripe (%(status)s): %(amount)s.") % values
    else:
        note = _("Dispute opened at Stripe (%(reason)s): %(amount)s held.") % values
    payment_flag(payment_id=payment.pk, note=note, action=kind.replace("charge.", "payment."))
