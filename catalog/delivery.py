""" "When would it arrive?": the product page asks, the orders app answers.

The catalog sits below orders and cannot read shipping methods or the warehouse's calendar, so
orders registers its answer here in `OrdersConfig.ready()`: the promise of the method checkout
offers first, for an order placed now (an object with `order_by`, `earliest` and `latest`). The
page shows it for a variant in stock; it depends on the page cache's DELIVERY version, which
moves at each cut-off and at midnight.
"""

from collections.abc import Callable

PromiseProvider = Callable[[], object | None]

_provider: PromiseProvider | None = None


def register_delivery_promise(provider: PromiseProvider) -> None:
    global _provider
    _provider = provider


def delivery_promise() -> object | None:
    """The promise for an order placed now, or None while no app answers (or none ships)."""
    return _provider() if _provider is not None else None
