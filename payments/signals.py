"""Signals the payments app sends to the apps above it (they act in their receivers.py).

`payment_status_changed` is sent synchronously inside the transaction that wrote the ledger
row, so the order moves in the same commit as the money.
"""

from django.dispatch import Signal

# kwargs: payment (Payment), previous (str), status (str)
payment_status_changed = Signal()

# kwargs: payment (Payment), amount (Decimal), key (str: the refund's ledger key, unique)
payment_refund_recorded = Signal()

# kwargs: payment (Payment), note (str): a provider's answer did not add up (another amount or
# currency than the attempt's, e.g. cash collected at the door); staff must look at it.
payment_flagged = Signal()

# kwargs: payment (Payment), owed (Decimal: still due from the customer, 0 when nothing is),
# flag (str: the note the payment was flagged with): staff resolved a flagged payment
# (payments.services.payment_resolve).
payment_resolved = Signal()

# kwargs: refund (Refund): a refund now waits for staff to pay it out by hand (a bank transfer);
# sent inside the transaction that moved it there, once per refund.
refund_awaiting_payout = Signal()
