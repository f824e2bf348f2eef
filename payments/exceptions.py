"""Domain errors of the payments app."""

from shop.exceptions import ShopError


class PaymentError(ShopError):
    pass


class UnknownPaymentMethod(PaymentError):
    pass
