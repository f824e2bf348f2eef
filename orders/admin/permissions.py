"""The permissions the orders admin checks beyond Django's model permissions."""

RETURN_PERMISSION = "orders.handle_return"
REFUND_PERMISSION = "payments.refund_payment"
# Invoices and credit notes name the buyer (T.C. or tax number): a permission of their own.
INVOICE_PERMISSION = "orders.download_invoice"
# Placing an order for a customer on the phone (the agent's cart screens).
PHONE_ORDER_PERMISSION = "orders.place_phone_order"
