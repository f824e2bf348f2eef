"""Why a back-in-stock request or link is refused (the message is safe to show the shopper)."""

from shop.exceptions import ShopError


class StockAlertRefused(ShopError):
    """The request cannot be taken; `status` is the answer page's HTTP status."""

    def __init__(self, message: str, *, status: int = 400, product: object = None) -> None:
        super().__init__(message)
        self.status, self.product = status, product


class StockAlertLinkInvalid(ShopError):
    """A confirmation or opt-out link that is wrong, someone else's, used up or expired."""
