"""Reading a PaymentIntent: what it says about the money, as a `ProviderResult`.

Used for the answer to our own create/confirm, for a server-side retrieve and for webhook
events alike, so each money movement gets the same ledger key whichever way it arrives: the
charge id for a capture or a decline, the PaymentIntent id for a wait or a cancellation.
"""

from typing import Any

from ...interface import Outcome, ProviderResult
from .client import from_stripe_amount


def intent_result(intent: dict[str, Any]) -> ProviderResult | None:
    """The movement a PaymentIntent (as a dict) reports; None while nothing has happened yet."""
    status = intent.get("status")
    currency = str(intent.get("currency", "")).upper()
    amount = from_stripe_amount(int(intent.get("amount") or 0), currency)
    pi_id = str(intent.get("id", ""))
    raw = {"payment_intent": pi_id, "status": status}
    if status == "succeeded":
        received = intent.get("amount_received")
        if received is not None:
            amount = from_stripe_amount(int(received), currency)
        charge = _charge_id(intent.get("latest_charge")) or pi_id
        return ProviderResult(
            Outcome.CAPTURED,
            amount,
            currency=currency,
            reference=charge,
            attempt_reference=pi_id,
            raw=raw,
        )
    if status == "requires_capture":
        return ProviderResult(
            Outcome.AUTHORIZED,
            amount,
            currency=currency,
            reference=pi_id,
            attempt_reference=pi_id,
            raw=raw,
        )
    if status in ("requires_action", "processing"):
        return ProviderResult(
            Outcome.REQUIRES_ACTION,
            amount,
            currency=currency,
            reference=pi_id,
            attempt_reference=pi_id,
            next_action={"client_secret": intent.get("client_secret", "")},
            raw=raw,
        )
    if status == "canceled":
        return ProviderResult(
            Outcome.VOIDED,
            amount,
            currency=currency,
            reference=pi_id,
            attempt_reference=pi_id,
            raw=raw,
        )
    error = intent.get("last_payment_error") or {}
    if status == "requires_payment_method" and error:
        return declined_result(error, amount=amount, currency=currency, intent_id=pi_id)
    return None


def declined_result(
    error: dict[str, Any], *, amount, currency: str, intent_id: str = ""
) -> ProviderResult:
    """A decline or a failed authentication, keyed by its charge (or the intent and the code)."""
    code = str(error.get("decline_code") or error.get("code") or "declined")
    reference = str(error.get("charge") or "") or f"{intent_id}:{code}"
    message = str(error.get("user_message") or error.get("message") or "")
    return ProviderResult(
        Outcome.FAILED,
        amount,
        currency=currency,
        reference=reference,
        attempt_reference=intent_id,
        message=message,
        raw={"payment_intent": intent_id, "code": code},
    )


def _charge_id(charge: object) -> str:
    if isinstance(charge, str):
        return charge
    if isinstance(charge, dict):
        return str(charge.get("id", ""))
    return ""
