from django.http import HttpRequest

from .cart_session import COUNT_SESSION_KEY


def cart(request: HttpRequest) -> dict[str, object]:
    """The header's cart count, from the session: no query on every page."""
    session = getattr(request, "session", None)
    return {"cart_count": session.get(COUNT_SESSION_KEY, 0) if session is not None else 0}
