"""Every write of the payments app. `from payments.services import payment_start` keeps working.

The shared services (the ledger, refunds, resolving) live here; each method's own services live
in its package, payments/methods/<method>/, and are re-exported here on first use (a method's
services build on the ledger, so importing them eagerly here would be circular).
"""

from importlib import import_module
from typing import Any

from .checkout import CheckoutPayment, payment_checkout_fields, payment_checkout_resolve
from .ledger import (
    Operation,
    payment_capture,
    payment_create,
    payment_problem,
    payment_record,
    payment_refresh,
    payment_start,
    payment_void,
)
from .refunds import (
    payment_refund,
    payment_refund_remaining,
    refund_confirm_payout,
    refund_reserve,
    refund_send,
)
from .resolve import Resolution, payment_resolve

# Each method's services, by name: where `from payments.services import X` finds them.
_METHOD_SERVICES: dict[str, str] = {
    "BalanceError": "payments.methods.stored_value.services",
    "CheckDetails": "payments.methods.echeck.services",
    "balance_adjust": "payments.methods.stored_value.services",
    "balance_of": "payments.methods.stored_value.services",
    "balance_top_up_create": "payments.methods.stored_value.services",
    "balance_top_up_credit": "payments.methods.stored_value.services",
    "card_action_secret": "payments.methods.card.services",
    "card_customer_for": "payments.methods.card.services",
    "card_pay": "payments.methods.card.services",
    "card_reconcile": "payments.methods.card.services",
    "card_set_up": "payments.methods.card.services",
    "card_setup_refused": "payments.methods.card.services",
    "card_setup_intent": "payments.methods.card.services",
    "echeck_account": "payments.methods.echeck.services",
    "echeck_bounce": "payments.methods.echeck.services",
    "echeck_clear": "payments.methods.echeck.services",
    "echeck_create": "payments.methods.echeck.services",
    "echeck_return": "payments.methods.echeck.services",
    "echeck_seal_valid": "payments.methods.echeck.services",
    "echecks_due": "payments.methods.echeck.services",
    "iban_check": "payments.methods.echeck.services",
    "payment_collect_cash": "payments.methods.cod.services",
    "refund_account_bind": "payments.methods.cod.services",
    "refund_account_create": "payments.methods.cod.services",
    "refund_account_give": "payments.methods.cod.services",
    "refund_account_needed": "payments.methods.cod.services",
    "refund_account_reveal": "payments.methods.cod.services",
    "saved_card_add": "payments.methods.wallet.services",
    "saved_card_make_default": "payments.methods.wallet.services",
    "saved_card_remove": "payments.methods.wallet.services",
    "stripe_event_process": "payments.methods.card.webhooks",
    "stripe_event_receive": "payments.methods.card.webhooks",
    "tab_current": "payments.methods.micropayment.services",
    "tab_pay_with_card": "payments.methods.micropayment.services",
    "tab_settle": "payments.methods.micropayment.services",
    "tab_settlement_check": "payments.methods.micropayment.services",
    "tab_settlement_of": "payments.methods.micropayment.services",
    "tab_settlement_recover": "payments.methods.micropayment.services",
    "tab_total": "payments.methods.micropayment.services",
    "wallet_card_form": "payments.methods.wallet.services",
}


def __getattr__(name: str) -> Any:
    try:
        module = _METHOD_SERVICES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    return getattr(import_module(module), name)


__all__ = [
    "BalanceError",
    "CheckDetails",
    "CheckoutPayment",
    "Operation",
    "Resolution",
    "balance_adjust",
    "balance_of",
    "balance_top_up_create",
    "balance_top_up_credit",
    "card_action_secret",
    "card_customer_for",
    "card_pay",
    "card_reconcile",
    "card_set_up",
    "card_setup_intent",
    "card_setup_refused",
    "echeck_account",
    "echeck_bounce",
    "echeck_clear",
    "echeck_create",
    "echeck_return",
    "echeck_seal_valid",
    "echecks_due",
    "iban_check",
    "payment_capture",
    "payment_checkout_fields",
    "payment_checkout_resolve",
    "payment_collect_cash",
    "payment_create",
    "payment_problem",
    "payment_record",
    "payment_refresh",
    "payment_refund",
    "payment_refund_remaining",
    "payment_resolve",
    "payment_start",
    "payment_void",
    "refund_account_bind",
    "refund_account_create",
    "refund_account_give",
    "refund_account_needed",
    "refund_account_reveal",
    "refund_confirm_payout",
    "refund_reserve",
    "refund_send",
    "saved_card_add",
    "saved_card_make_default",
    "saved_card_remove",
    "stripe_event_process",
    "stripe_event_receive",
    "tab_current",
    "tab_pay_with_card",
    "tab_settle",
    "tab_settlement_check",
    "tab_settlement_of",
    "tab_settlement_recover",
    "tab_total",
    "wallet_card_form",
]
