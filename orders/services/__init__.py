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
    cart_use_points,
)
from .checkout import CheckoutRequest, order_place
from .coupons import coupon_issue_personal
from .downloads import (
    download_claim,
    download_link_extend,
    download_link_reissue,
    download_links_issue,
)
from .exchange_steps import ExchangeError, exchange_release
from .exchanges import ExchangeItem, exchange_request
from .express import express_cart_create, express_cart_from_order
from .fulfilment import (
    ShipmentError,
    carrier_update_apply,
    carrier_updates_receive,
    carrier_updates_store,
    carriers_poll,
    order_ship,
    shipment_report_returned,
    shipment_track,
    shipment_transition,
)
from .invoicing import credit_note_download, invoice_download, invoice_issue
from .lifecycle import (
    order_event_record,
    order_expire,
    order_flag,
    order_payment_remind,
    order_payment_resolved,
    order_set_payment_status,
    order_transition,
)
from .order_steps import (
    CancelNeedsRefund,
    order_cancel_by_customer,
    order_cancel_by_staff,
    order_next_steps,
    order_step,
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
    order_card_refused,
    order_pays_in_browser,
)
from .phone_orders import PhoneOrderRequest, phone_order_cart, phone_order_place
from .promises import order_lateness_check, promise_pages_refresh
from .replacements import ReplacementLine, ReplacementRefused, replacement_order_create
from .return_lifecycle import return_cancel, return_transition
from .returns import (
    ReturnError,
    credit_note_issue,
    refund_of_ledger_key,
    return_decide,
    return_receive,
    return_refund,
    return_request,
)
from .rollups import units_sold_rollup

__all__ = [
    "CancelNeedsRefund",
    "CardForm",
    "CardStep",
    "CheckoutRequest",
    "ExchangeError",
    "ExchangeItem",
    "PaymentStart",
    "PhoneOrderRequest",
    "ReplacementLine",
    "ReplacementRefused",
    "ReturnError",
    "ShipmentError",
    "address_delete",
    "address_save",
    "carrier_update_apply",
    "carrier_updates_receive",
    "carrier_updates_store",
    "carriers_poll",
    "cart_add",
    "cart_apply_coupon",
    "cart_delete_stale",
    "cart_for_user",
    "cart_merge",
    "cart_note_prices_seen",
    "cart_remove",
    "cart_remove_coupon",
    "cart_set_quantity",
    "cart_use_points",
    "checkout_payment_start",
    "coupon_issue_personal",
    "credit_note_download",
    "credit_note_issue",
    "download_claim",
    "download_link_extend",
    "download_link_reissue",
    "download_links_issue",
    "exchange_release",
    "exchange_request",
    "express_cart_create",
    "express_cart_from_order",
    "invoice_download",
    "invoice_issue",
    "order_cancel_by_customer",
    "order_cancel_by_staff",
    "order_card_check",
    "order_card_customer",
    "order_card_form",
    "order_card_pay",
    "order_card_refused",
    "order_event_record",
    "order_expire",
    "order_flag",
    "order_lateness_check",
    "order_next_steps",
    "order_payment_remind",
    "order_payment_resolved",
    "order_pays_in_browser",
    "order_place",
    "order_set_payment_status",
    "order_ship",
    "order_step",
    "order_transition",
    "phone_order_cart",
    "phone_order_place",
    "promise_pages_refresh",
    "refund_of_ledger_key",
    "replacement_order_create",
    "return_cancel",
    "return_decide",
    "return_receive",
    "return_refund",
    "return_request",
    "return_transition",
    "shipment_report_returned",
    "shipment_track",
    "shipment_transition",
    "units_sold_rollup",
]
