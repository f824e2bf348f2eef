from django.http import HttpRequest
from django.utils.functional import lazy

from .cart_session import COUNT_SESSION_KEY


def cart_count(request: HttpRequest) -> int:
    """The header's cart count, from the session: no query on every page."""
    session = getattr(request, "session", None)
    return session.get(COUNT_SESSION_KEY, 0) if session is not None else 0


def cart(request: HttpRequest) -> dict[str, object]:
    # Lazy: a page that does not show it (the header fills it per visitor) never reads the session.
    return {"cart_count": lazy(cart_count, int)(request)}
