"""Signals the orders app sends to the apps above it (crm, complaints).

`order_status_changed` is sent inside the transaction that changed the status; receivers
that talk to the outside world must do so on commit.
"""

from django.dispatch import Signal

# kwargs: order (Order), previous (str), by (User | None)
order_status_changed = Signal()
