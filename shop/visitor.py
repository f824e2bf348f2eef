"""The per-visitor parts of every page (header and messages), for shop.pagecache to fill.

The cart count is the orders app's own part (registered in its AppConfig).
"""

import secrets

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape

from . import pagecache
from .kept import Kept

# (language, signed in, staff) -> the header's account links, the log-out form's token a marker
LINKS = Kept(64)
_TOKEN = "__dk_account_links_csrf__"  # where the visitor's own CSRF token goes

# Django's `get_token` draws each of a new visitor's 64 characters with a system call of its
# own: some 0.2 ms, which `make bench --compare` showed as 10–25 % of a cached page's cost. The
# same token is drawn here from one read of the OS's random source, in Django's format (pinned by
# tests/shop/test_pages.py: Django's length and alphabet, unmasking to the cookie's secret,
# accepted by CsrfViewMiddleware, every character equally likely).
_CHARS = CSRF_ALLOWED_CHARS
_INDEX = {char: i for i, char in enumerate(_CHARS)}
_EVEN = 256 - 256 % len(_CHARS)  # bytes below this map onto the alphabet evenly (4 each)
_TO_CHARS = bytes(ord(_CHARS[b % len(_CHARS)]) if b < _EVEN else 0 for b in range(256))
_UNEVEN = bytes(range(_EVEN, 256))


def _random_chars(count: int) -> str:
    """`count` characters of the CSRF alphabet, uniform, from one read of the OS's random
    source."""
    chars = b""
    while len(chars) < count:
        chars += secrets.token_bytes(count + 8).translate(_TO_CHARS, _UNEVEN)
    return chars[:count].decode()


def _new_token(request: HttpRequest) -> str:
    """Django's `get_token`, drawn as above: the cookie's secret (a new one for a new visitor,
    sent back by CsrfViewMiddleware) under a fresh mask, in the format the middleware checks."""
    if settings.CSRF_USE_SESSIONS:
        return get_token(request)
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = request.META["CSRF_COOKIE"] = _random_chars(CSRF_SECRET_LENGTH)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # as get_token: (re)send the cookie
    mask = _random_chars(CSRF_SECRET_LENGTH)
    pairs = zip(secret, mask, strict=True)
    cipher = "".join(_CHARS[(_INDEX[s] + _INDEX[m]) % len(_CHARS)] for s, m in pairs)
    return mask + cipher


def csrf_token(request: HttpRequest) -> str:
    """The visitor's CSRF token, masked once per response: every form of a page carries the
    same one (a cart page has a dozen forms). A rotated secret (signing in) gets a new token."""
    kept = getattr(request, "_shop_csrf_token", None)
    if kept is None or kept[0] != request.META.get("CSRF_COOKIE"):
        token = _new_token(request)
        kept = request._shop_csrf_token = (request.META.get("CSRF_COOKIE"), token)
    return kept[1]


def account_links(request: HttpRequest) -> str:
    """Sign in and sign up, or the account links and the log-out form: rendered once per
    worker for each language and kind of visitor, the log-out form's token filled per visitor."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    key = (translation.get_language() or "", signed_in, signed_in and user.is_staff)
    links = LINKS.get(key)
    if links is None:
        context = {"signed_in": signed_in, "staff": key[2], "csrf_token": _TOKEN}
        links = LINKS.put(key, render_to_string("shop/_account_links.html", context))
    return links.replace(_TOKEN, csrf_token(request)) if signed_in else links


def search_query(request: HttpRequest) -> str:
    """What the visitor searched for, back in the header's search box."""
    return escape(request.GET.get("q", ""))


def this_path(request: HttpRequest) -> str:
    """The page's own address, where the language switch returns to."""
    return escape(request.get_full_path())


def messages(request: HttpRequest) -> str:
    storage = get_messages(request)
    if not storage:
        return ""
    return render_to_string("shop/_messages.html", {"messages": storage})


def register() -> None:
    pagecache.register_visitor_part("csrf_token", csrf_token)
    pagecache.register_visitor_part("account_links", account_links)
    pagecache.register_visitor_part("messages", messages)
    pagecache.register_visitor_part("search_query", search_query)
    pagecache.register_visitor_part("this_path", this_path)
