"""The permissions the orders admin checks beyond Django's model permissions."""

RETURN_PERMISSION = "orders.handle_return"
REFUND_PERMISSION = "payments.refund_payment"
# Invoices and credit notes name the buyer (T.C. or tax number): a permission of their own.
INVOICE_PERMISSION = "orders.download_invoice"
