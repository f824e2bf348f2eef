"""Orders' tables, split by subject; import from here: `from orders.models import Order`."""

from .addresses import Address, BillingType
from .cart import Cart, CartLine, CartStatus, Coupon, CouponKind, CouponRedemption
from .checkout import LegalDocumentKind, OrderDocument
from .downloads import DownloadLink
from .invoices import Invoice, InvoiceCounter
from .orders import Order, OrderEvent, OrderLine, PromiseReport
from .returns import CreditNote, Return, ReturnLine, TrustedCustomer
from .shipments import CarrierUpdate, Shipment, ShipmentEvent, ShipmentLine, ShipmentStatus
from .shipping import Carrier, ShippingMethod, ShippingRate, ShippingRegion

__all__ = [
    "Address",
    "BillingType",
    "Carrier",
    "CarrierUpdate",
    "Cart",
    "CartLine",
    "CartStatus",
    "Coupon",
    "CouponKind",
    "CouponRedemption",
    "CreditNote",
    "DownloadLink",
    "Invoice",
    "InvoiceCounter",
    "LegalDocumentKind",
    "Order",
    "OrderDocument",
    "OrderEvent",
    "OrderLine",
    "PromiseReport",
    "Return",
    "ReturnLine",
    "Shipment",
    "ShipmentEvent",
    "ShipmentLine",
    "ShipmentStatus",
    "ShippingMethod",
    "ShippingRate",
    "ShippingRegion",
    "TrustedCustomer",
]
