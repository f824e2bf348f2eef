"""Where the web layer keeps a visitor's cart: its id and item count in the session.

A guest's cart is found by the id in the session; a signed-in customer's by their account.
The item count is kept beside it, so the header shows it without a query on every page, and
the province shipping is estimated for (chosen once on the cart or a product page).
"""

from django.http import HttpRequest

from shop.models import User

from . import selectors, services
from .geo import PROVINCES
from .models import Cart, CartLine

CART_SESSION_KEY = "cart_id"
COUNT_SESSION_KEY = "cart_count"
GUEST_ORDERS_SESSION_KEY = "guest_orders"
JUST_PLACED_SESSION_KEY = "orders.just_placed"
PROVINCE_SESSION_KEY = "shipping_province"
_PROVINCE_NAMES = frozenset(PROVINCES.values())


def signed_in_user(request: HttpRequest) -> User | None:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def current_cart(request: HttpRequest) -> Cart | None:
    cart_id = request.session.get(CART_SESSION_KEY)
    return selectors.open_cart(user=signed_in_user(request), cart_id=cart_id)


def current_cart_with_lines(request: HttpRequest) -> tuple[Cart | None, list[CartLine]]:
    """`current_cart` with its lines, read together (the cart page)."""
    return selectors.open_cart_with_lines(
        user=signed_in_user(request), cart_id=request.session.get(CART_SESSION_KEY)
    )


def current_or_new_cart(request: HttpRequest) -> Cart:
    cart = current_cart(request)
    if cart is None:
        cart = services.cart_for_user(user=signed_in_user(request))
        remember_cart(request, cart)
    return cart


def remember_cart(request: HttpRequest, cart: Cart | None) -> None:
    """Store the cart's id and current item count in the session (after every change)."""
    if cart is None:
        request.session.pop(CART_SESSION_KEY, None)
        request.session[COUNT_SESSION_KEY] = 0
        return
    request.session[CART_SESSION_KEY] = cart.pk
    request.session[COUNT_SESSION_KEY] = selectors.cart_item_count(cart=cart)


def forget_cart(request: HttpRequest) -> None:
    request.session.pop(CART_SESSION_KEY, None)
    request.session[COUNT_SESSION_KEY] = 0


def remember_guest_order(request: HttpRequest, number: str) -> None:
    """A guest may see the orders placed in this browser session (and no others)."""
    numbers = request.session.get(GUEST_ORDERS_SESSION_KEY, [])
    if number not in numbers:
        request.session[GUEST_ORDERS_SESSION_KEY] = [*numbers[-19:], number]


def guest_orders(request: HttpRequest) -> list[str]:
    return request.session.get(GUEST_ORDERS_SESSION_KEY, [])


def remember_just_placed(request: HttpRequest, number: str) -> None:
    """The order's page thanks the customer once, right after the order was placed."""
    request.session[JUST_PLACED_SESSION_KEY] = number


def take_just_placed(request: HttpRequest, number: str) -> bool:
    return request.session.pop(JUST_PLACED_SESSION_KEY, None) == number


def chosen_province(request: HttpRequest) -> str:
    """The province the visitor chose for shipping estimates ("" while none is chosen)."""
    session = getattr(request, "session", None)
    name = session.get(PROVINCE_SESSION_KEY, "") if session is not None else ""
    return name if name in _PROVINCE_NAMES else ""


def remember_province(request: HttpRequest, name: str) -> None:
    """Estimate shipping to this province (one of `geo.PROVINCES`) from now on."""
    if name not in _PROVINCE_NAMES:
        raise ValueError(f"not a province of Turkey: {name!r}")
    request.session[PROVINCE_SESSION_KEY] = name
