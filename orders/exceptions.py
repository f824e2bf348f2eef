"""Domain errors of the orders app; their messages are safe to show."""

from shop.exceptions import ShopError


class OrderError(ShopError):
    pass


class InvalidTransition(OrderError):
    pass
