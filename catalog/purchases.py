""" "Did this customer buy this product?": the catalog asks, the orders app answers.

The catalog sits below orders and cannot import it, so orders registers its answer here in
`OrdersConfig.ready()`. Reviews use it to mark verified purchases and to decide who may review.
"""

from collections.abc import Callable

PurchaseChecker = Callable[[int, int], bool]  # (user_id, product_id) -> bought?

_checker: PurchaseChecker | None = None


def register_purchase_checker(checker: PurchaseChecker) -> None:
    global _checker
    _checker = checker


def customer_bought(*, user_id: int | None, product_id: int) -> bool:
    """False for anonymous visitors, and while no app has registered an answer."""
    if user_id is None or _checker is None:
        return False
    return _checker(user_id, product_id)
