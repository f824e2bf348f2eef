"""The orders admin, one module per subject; importing them registers every admin.

- orders: the order's screen (next steps, messages, addresses, VAT, invoice, cancelling)
- fulfilment: shipping orders, bulk steps, pick lists and packing slips (a mixin of OrderAdmin)
- inlines: an order's record (lines, events, parcels, returns, accepted texts)
- money: the order's payments, their ledger and the links to the money actions
- returns, documents (invoices, credit notes, download links), coupons, shipping, addresses
- permissions: the permissions checked beyond Django's model permissions
- promise_report: on-time delivery against the promise, by carrier and by method
"""

from . import addresses, coupons, documents, orders, promise_report, returns, shipping

__all__ = ["addresses", "coupons", "documents", "orders", "promise_report", "returns", "shipping"]
