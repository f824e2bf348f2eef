"""Every write of the payments app. `from payments.services import payment_start` keeps working."""

from .card import (
    card_action_secret,
    card_customer_for,
    card_pay,
    card_reconcile,
    card_setup_intent,
    stripe_event_process,
    stripe_event_receive,
)
from .ledger import (
    Operation,
    payment_capture,
    payment_create,
    payment_record,
    payment_refresh,
    payment_refund,
    payment_refund_remaining,
    payment_start,
    payment_void,
    refund_reserve,
    refund_send,
)

__all__ = [
    "Operation",
    "card_action_secret",
    "card_customer_for",
    "card_pay",
    "card_reconcile",
    "card_setup_intent",
    "payment_capture",
    "payment_create",
    "payment_record",
    "payment_refresh",
    "payment_refund",
    "payment_refund_remaining",
    "payment_start",
    "payment_void",
    "refund_reserve",
    "refund_send",
    "stripe_event_process",
    "stripe_event_receive",
]
