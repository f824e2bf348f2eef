"""Every write of the orders app that matters, one transaction each.

Split by subject; import from here: `from orders import services; services.order_place(...)`.
"""

from .addresses import address_delete, address_save
from .cart import (
    cart_add,
    cart_apply_coupon,
    cart_delete_stale,
    cart_for_user,
    cart_merge,
    cart_note_prices_seen,
    cart_remove,
    cart_remove_coupon,
    cart_set_quantity,
)
from .checkout import CheckoutRequest, order_place
from .express import express_cart_create, express_cart_from_order
from .lifecycle import (
    order_expire,
    order_payment_remind,
    order_set_payment_status,
    order_transition,
)
from .paying import (
    CardForm,
    CardStep,
    PaymentStart,
    checkout_payment_start,
    order_card_check,
    order_card_customer,
    order_card_form,
    order_card_pay,
)

__all__ = [
    "CardForm",
    "CardStep",
    "CheckoutRequest",
    "PaymentStart",
    "address_delete",
    "address_save",
    "cart_add",
    "cart_apply_coupon",
    "cart_delete_stale",
    "cart_for_user",
    "cart_merge",
    "cart_note_prices_seen",
    "cart_remove",
    "cart_remove_coupon",
    "cart_set_quantity",
    "checkout_payment_start",
    "express_cart_create",
    "express_cart_from_order",
    "order_card_check",
    "order_card_customer",
    "order_card_form",
    "order_card_pay",
    "order_expire",
    "order_payment_remind",
    "order_place",
    "order_set_payment_status",
    "order_transition",
]
