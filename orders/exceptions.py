"""Domain errors of the orders app; their messages are safe to show."""

from shop.exceptions import ShopError


class OrderError(ShopError):
    pass


class InvalidTransition(OrderError):
    pass


class CartError(OrderError):
    pass


class CouponRefused(OrderError):
    pass


class CheckoutError(OrderError):
    """The checkout cannot go ahead as submitted; the message says what to do."""


class PricesChanged(CheckoutError):
    pass


class CartNotFound(CheckoutError):
    """The submitted checkout names no cart this visitor owns (missing, foreign or guessed)."""


class CouponIssueRefused(OrderError):
    """A personal coupon cannot be issued as asked (a bad value or validity)."""
