"""Domain errors of the shop package."""


class ShopError(Exception):
    """Base of every domain error: its message is safe to show to the person who caused it."""
