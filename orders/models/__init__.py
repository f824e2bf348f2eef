"""Orders' tables, split by subject; import from here: `from orders.models import Order`."""

from .addresses import Address, BillingType
from .cart import Cart, CartLine, CartStatus, Coupon, CouponKind, CouponRedemption
from .checkout import LegalDocumentKind, OrderDocument
from .orders import Order, OrderEvent, OrderLine
from .shipping import Carrier, ShippingMethod, ShippingRate, ShippingRegion

__all__ = [
    "Address",
    "BillingType",
    "Carrier",
    "Cart",
    "CartLine",
    "CartStatus",
    "Coupon",
    "CouponKind",
    "CouponRedemption",
    "LegalDocumentKind",
    "Order",
    "OrderDocument",
    "OrderEvent",
    "OrderLine",
    "ShippingMethod",
    "ShippingRate",
    "ShippingRegion",
]
