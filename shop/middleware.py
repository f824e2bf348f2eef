"""Request hygiene the whole site shares: NUL bytes refused, private pages never cached."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.cache import patch_cache_control

# Pages that show one person's data (namespaces and view names, matched on the resolved URL).
PRIVATE_NAMESPACES = {"orders", "crm", "notifications"}
PRIVATE_VIEWS = {"shop:profile", "catalog:review"}
PRIVATE_VIEW_PREFIXES = ("account_",)  # allauth's account pages: login, sign-up, email, password


def _has_nul(values: object) -> bool:
    for key, items in values.lists():  # type: ignore[attr-defined]
        if "\x00" in key or any("\x00" in item for item in items if isinstance(item, str)):
            return True
    return False


class RejectNulBytesMiddleware:
    """400 for a NUL byte in the path or any GET/POST key or value.

    PostgreSQL refuses NUL in text, so without this any lookup by a request value (an order
    number, an admin changelist filter) would turn the request into a 500.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or _has_nul(request.GET):
            return HttpResponseBadRequest("NUL bytes are not allowed.")
        if request.method == "POST" and _has_nul(request.POST):
            return HttpResponseBadRequest("NUL bytes are not allowed.")
        return self.get_response(request)


def _is_private(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    return (
        bool(PRIVATE_NAMESPACES & set(match.namespaces))
        or match.view_name in PRIVATE_VIEWS
        or (match.url_name or "").startswith(PRIVATE_VIEW_PREFIXES)
    )


class PrivatePagesMiddleware:
    """`Cache-Control: private, no-store` on account, order, cart and checkout pages, so no
    shared cache or back button on a shared computer shows one person's page to another."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _is_private(request):
            patch_cache_control(response, private=True, no_store=True)
        return response
