"""The real client address, the one every rate limit and every consent/acceptance record uses.

Behind a load balancer the socket address is the proxy's. `ALLAUTH_TRUSTED_PROXY_COUNT` says
how many proxies in front of the shop we run ourselves: each appends the address it talked to
to `X-Forwarded-For`, so the client is the entry that many places from the right. With no
trusted proxy (the default) the header is ignored: anyone can write it.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: from our trusted proxies' X-Forwarded-For, else the socket's."""
    socket_ip = _valid_ip(request.META.get("REMOTE_ADDR") or "")
    trusted = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted > 0 and forwarded:
        hops = [hop for hop in forwarded.split(",") if hop.strip()]
        # Fewer entries than proxies: the request skipped one of ours; trust only the socket.
        if len(hops) >= trusted:
            return _valid_ip(hops[-trusted]) or socket_ip
    return socket_ip
