"""Domain errors of the 360's actions; their messages are safe to show to staff."""

from shop.exceptions import ShopError


class ActionRefused(ShopError):
    """An action from the 360 that cannot go ahead; the message says why."""
