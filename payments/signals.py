"""Signals the payments app sends to the apps above it (they act in their receivers.py).

`payment_status_changed` is sent synchronously inside the transaction that wrote the ledger
row, so the order moves in the same commit as the money.
"""

from django.dispatch import Signal

# kwargs: payment (Payment), previous (str), status (str)
payment_status_changed = Signal()

# kwargs: payment (Payment), amount (Decimal), key (str: the refund's ledger key, unique)
payment_refund_recorded = Signal()
