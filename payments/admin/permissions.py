"""The permissions each staff money action asks for."""

# Money actions need their own permissions (or a group holding them), not just staff status.
REFUND_PERMISSION = "payments.refund_payment"
ECHECK_PERMISSION = "payments.decide_echeck"
CASH_PERMISSION = "payments.record_cash"
RESOLVE_PERMISSION = "payments.resolve_payment"
