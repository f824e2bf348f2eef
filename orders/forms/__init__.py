"""The orders app's forms, by subject; import from here: `from orders.forms import TrackForm`."""

from .addresses import AddressForm
from .cart import CartAddForm, CouponForm, PointsForm, ProvinceForm, QuantityForm
from .checkout import NEW, CheckoutAddressForm, CheckoutForm
from .exchanges import ExchangeForm
from .phone_orders import PhoneOrderAddForm, PhoneOrderPlaceForm, PhoneOrderStartForm
from .returns import RefundAccountForm, ReturnForm
from .tracking import TrackForm

__all__ = [
    "NEW",
    "AddressForm",
    "CartAddForm",
    "CheckoutAddressForm",
    "CheckoutForm",
    "CouponForm",
    "ExchangeForm",
    "PhoneOrderAddForm",
    "PhoneOrderPlaceForm",
    "PhoneOrderStartForm",
    "PointsForm",
    "ProvinceForm",
    "QuantityForm",
    "RefundAccountForm",
    "ReturnForm",
    "TrackForm",
]
