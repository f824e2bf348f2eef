"""Reads of the orders app, split by subject; import from here: `selectors.cart_quote(...)`."""

from .addresses import address_of, addresses_of
from .cart import (
    cart_item_count,
    cart_lines,
    coupon_by_code,
    coupon_uses_by,
    open_cart,
    open_cart_with_lines,
    with_coupon_categories,
)
from .checkout import CheckoutQuote, cart_quote
from .orders import (
    customer_bought,
    invoice_of,
    order_by_token,
    order_for_viewer,
    order_ids_to_remind,
    order_refund_of,
    order_tracked,
    orders_late,
    orders_of,
    overdue_order_ids,
    pick_list,
    sold,
    units_sold_by_product,
)
from .returns import (
    credit_note_of,
    order_delivered_at,
    order_refund_by_transfer,
    refundable_payment,
    refunded_quantities,
    returned_quantities,
    withdrawal_ends_at,
)
from .shipping import shipping_methods

__all__ = [
    "CheckoutQuote",
    "address_of",
    "addresses_of",
    "cart_item_count",
    "cart_lines",
    "cart_quote",
    "coupon_by_code",
    "coupon_uses_by",
    "credit_note_of",
    "customer_bought",
    "invoice_of",
    "open_cart",
    "open_cart_with_lines",
    "order_by_token",
    "order_delivered_at",
    "order_for_viewer",
    "order_ids_to_remind",
    "order_refund_by_transfer",
    "order_refund_of",
    "order_tracked",
    "orders_late",
    "orders_of",
    "overdue_order_ids",
    "pick_list",
    "refundable_payment",
    "refunded_quantities",
    "returned_quantities",
    "shipping_methods",
    "sold",
    "units_sold_by_product",
    "with_coupon_categories",
    "withdrawal_ends_at",
]
