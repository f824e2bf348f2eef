"""Per-visitor attempt limits shared by the cart's coupon box, checkout and guest tracking."""

from django.http import HttpRequest

from shop.net import client_ip
from shop.ratelimit import Limit


def visitor_limits(request: HttpRequest, scope: str, per_session: int) -> list[Limit]:
    """Counters for one visitor: their session, and their address as a backstop (5×)."""
    if not request.session.session_key:
        request.session.save()
    return [
        (f"{scope}:s:{request.session.session_key}", per_session),
        (f"{scope}:ip:{client_ip(request)}", per_session * 5),
    ]
