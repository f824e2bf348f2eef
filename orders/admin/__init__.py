"""The orders admin, one module per subject; importing them registers every admin.

- orders: the order's screen (next steps, messages, addresses, VAT, invoice, cancelling)
- fulfilment: shipping orders, bulk steps, pick lists and packing slips (a mixin of OrderAdmin)
- inlines: an order's record (lines, events, parcels, returns, accepted texts)
- money: the order's payments, their ledger and the links to the money actions
- returns, documents (invoices, credit notes, download links), coupons, shipping, addresses
- permissions: the permissions checked beyond Django's model permissions
"""

from . import addresses, coupons, documents, orders, returns, shipping

__all__ = ["addresses", "coupons", "documents", "orders", "returns", "shipping"]
