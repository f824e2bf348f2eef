"""What the catalog tells the apps above it (they connect receivers; catalog imports none of them).

`variant_back_in_stock(sender=Variant, variant_id=...)`: sent after the commit of a stock change
that took a physical variant's available stock (on hand − allocated) from zero or less to more
than zero: a receipt, a correction, a return restocked, an order cancelled or expired.
"""

from django.dispatch import Signal

variant_back_in_stock = Signal()
