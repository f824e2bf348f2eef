"""Domain errors of the catalog; their messages are safe to show."""

from shop.exceptions import ShopError


class CatalogError(ShopError):
    pass


class StockError(CatalogError):
    pass


class OutOfStock(StockError):
    def __init__(self, *, variant_id: int, sku: str, available: int) -> None:
        self.variant_id, self.sku, self.available = variant_id, sku, available
        super().__init__(f"{sku}: only {available} available")


class ReviewError(CatalogError):
    pass
