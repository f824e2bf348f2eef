"""The anonymous page cache: whole catalog pages from their own Redis database, per language.

A hit returns before any view, template or context processor runs. The stored body carries
markers where the page differs per visitor (CSRF token, cart count, account links, messages);
each response fills them for its own visitor, so no two visitors share a token or a header.

Invalidation is by versions: an entry remembers the version tokens of what it shows ("catalog"
for everything listings show, "product:<lang>:<slug>" for a product page's stock hint) and is
used only while they are current. A change bumps them (now and again on commit), so the next
request renders afresh. Tokens are random, so a lost token can never bring an old entry back.
Only known, normalised query parameters form a key; any other parameter bypasses the cache.

The tokens live beside the pages (in the page cache's Redis when it is on), so a hit is one
round trip: the entry and its tokens in one MGET. LRU eviction of a token only costs a render.
Within one request the tokens are read once (menu, filters and cards share them).
"""

import hashlib
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from asgiref.local import Local
from django.conf import settings
from django.core.cache import BaseCache, cache, caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import translation

PAGES_ALIAS = "pages"
VERSION_PREFIX = "pagever:"
CATALOG = "catalog"
MENU = "menu"

# url name -> the query parameters that page understands (anything else bypasses the cache).
CACHEABLE_VIEWS: dict[str, frozenset[str]] = {}
# Parts of a page that differ per visitor: name -> function(request) -> HTML to put in its place.
VISITOR_PARTS: dict[str, Callable[[HttpRequest], str]] = {}
MAX_VALUE_LENGTH = 100


def register_page(view_name: str, *, params: Iterable[str] = ()) -> None:
    """Let a page (by its namespaced url name) be served from the cache for anonymous visitors."""
    CACHEABLE_VIEWS[view_name] = frozenset(params)


def register_visitor_part(name: str, render: Callable[[HttpRequest], str]) -> None:
    """A per-visitor part a cached page may hold; apps fill in their own (orders: cart count)."""
    VISITOR_PARTS[name] = render


@lru_cache(maxsize=4)
def _marker_secret(secret_key: str) -> str:
    return hashlib.sha256(f"pagecache:{secret_key}".encode()).hexdigest()[:12]


def marker(name: str) -> str:
    """The placeholder a cached body holds for a visitor part (not guessable from outside)."""
    return f"__dkpc{_marker_secret(settings.SECRET_KEY)}_{name}__"


def is_filling(request: HttpRequest | None) -> bool:
    """True while a page is rendered to be stored: visitor parts are markers then."""
    return bool(getattr(request, "page_cache_filling", False))


def render_visitor_part(request: HttpRequest, name: str) -> str:
    render = VISITOR_PARTS.get(name)
    return render(request) if render is not None else ""


# --- Versions -------------------------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_hex(6)


_request = Local()  # the tokens read during the current request


def _store() -> BaseCache:
    """Where the tokens live: beside the pages, so a hit reads both in one round trip."""
    return caches[PAGES_ALIAS] if settings.PAGE_CACHE_ENABLED else cache


def _remembered() -> dict[str, str] | None:
    return getattr(_request, "tokens", None)


def _current(found: dict[str, object], keys: list[str]) -> dict[str, str]:
    """Tokens from a get_many; a missing one is created (the first writer wins)."""
    store = None
    for key in keys:
        if key not in found:
            store = store or _store()
            store.add(key, _new_token(), timeout=None)
            found[key] = store.get(key) or _new_token()
    tokens = {key.removeprefix(VERSION_PREFIX): str(found[key]) for key in keys}
    remembered = _remembered()
    if remembered is not None:
        remembered.update(tokens)
    return tokens


def versions(names: Iterable[str]) -> dict[str, str]:
    """The current token of each name (at most one cache round trip per request)."""
    names = list(names)
    remembered = _remembered()
    if remembered is None:
        keys = [f"{VERSION_PREFIX}{name}" for name in names]
        return _current(_store().get_many(keys), keys)
    missing = [name for name in names if name not in remembered]
    if missing:
        # Every catalog page reads these two (menu, filters, cards): fetch them together.
        wanted = dict.fromkeys([*missing, CATALOG, MENU])
        keys = [f"{VERSION_PREFIX}{name}" for name in wanted if name not in remembered]
        _current(_store().get_many(keys), keys)
    return {name: remembered[name] for name in names}


def _bump_now(names: Iterable[str]) -> None:
    tokens = {name: _new_token() for name in names}
    _store().set_many({f"{VERSION_PREFIX}{name}": token for name, token in tokens.items()}, None)
    remembered = _remembered()
    if remembered is not None:
        remembered.update(tokens)


def bump(*names: str) -> None:
    """Invalidate everything cached under these names: now, and again once the change commits.

    The second bump drops a page another request rendered from the old rows meanwhile.
    """
    if not names:
        return
    _bump_now(names)
    transaction.on_commit(lambda: _bump_now(names), robust=True)


# --- The middleware -------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    key: str
    deps: tuple[str, ...]


def _normalised_query(request: HttpRequest, allowed: frozenset[str]) -> str | None:
    parts = []
    for name, values in sorted(request.GET.lists()):
        if name not in allowed:
            return None
        for value in sorted(values):
            if len(value) > MAX_VALUE_LENGTH:
                return None
            if value:
                parts.append(f"{name}={value}")
    return "&".join(parts)


@lru_cache(maxsize=4096)
def _route(urlconf: str | None, language: str, path: str) -> tuple[str, str]:
    """The view name and slug a path resolves to in the active language (the prefix and the
    patterns depend on it); remembered, so a hit skips the URL patterns."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return "", ""
    return match.view_name, str(match.kwargs.get("slug", ""))


def plan(request: HttpRequest) -> Plan | None:
    """The cache key and dependencies of this request, or None when it must not be cached."""
    if not settings.PAGE_CACHE_ENABLED or request.method != "GET":
        return None
    language = translation.get_language() or settings.LANGUAGE_CODE
    view_name, slug = _route(get_urlconf(), language, request.path_info)
    allowed = CACHEABLE_VIEWS.get(view_name)
    if allowed is None:
        return None
    query = _normalised_query(request, allowed)
    if query is None:
        return None
    if request.user.is_authenticated:  # signed-in pages are rendered for them (fragments help)
        return None
    deps = [CATALOG]
    if view_name == "catalog:product":
        deps.append(f"product:{language}:{slug}")
    htmx = "hx" if request.headers.get("HX-Request") == "true" else "page"
    raw = f"{language}|{htmx}|{request.path_info}|{query}"
    key = "page:v2:" + hashlib.sha256(raw.encode()).hexdigest()
    return Plan(key=key, deps=tuple(deps))


@lru_cache(maxsize=4)
def _marker_pattern(secret: str) -> re.Pattern[bytes]:
    return re.compile(rb"__dkpc" + secret.encode() + rb"_(\w+?)__")


@lru_cache(maxsize=4)
def _text_marker_pattern(secret: str) -> re.Pattern[str]:
    return re.compile(r"__dkpc" + secret + r"_(\w+?)__")


def _split(body: bytes) -> list[bytes | str]:
    """The body as text pieces (bytes) and the names of the visitor parts between them (str)."""
    pieces = _marker_pattern(_marker_secret(settings.SECRET_KEY)).split(body)
    return [piece.decode() if i % 2 else piece for i, piece in enumerate(pieces)]


def _fill(request: HttpRequest, pieces: list[bytes | str]) -> bytes:
    """Join the stored pieces with this visitor's parts (each rendered once per response)."""
    rendered: dict[str, bytes] = {}
    out = []
    for piece in pieces:
        if isinstance(piece, str):
            if piece not in rendered:
                rendered[piece] = render_visitor_part(request, piece).encode()
            piece = rendered[piece]
        out.append(piece)
    return b"".join(out)


def split_text(text: str) -> tuple[str, ...]:
    """Rendered HTML as its text (even places) and the visitor parts between them (odd)."""
    return tuple(_text_marker_pattern(_marker_secret(settings.SECRET_KEY)).split(text))


def fill_text(request: HttpRequest, pieces: tuple[str, ...]) -> str:
    """`split_text`'s pieces for this visitor: their parts filled in, or, while the page is
    rendered for the page cache, markers again (the cache fills them per response)."""
    filling = is_filling(request)
    return "".join(
        piece if i % 2 == 0 else marker(piece) if filling else render_visitor_part(request, piece)
        for i, piece in enumerate(pieces)
    )


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    """Only a plain 200 HTML page that rendered nothing of this visitor's own."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "Cache-Control" not in response
        and response.get("Content-Type", "").startswith("text/html")
        # A real CSRF token or a read of the session means something personal was rendered.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(getattr(request, "session", None), "accessed", False)
    )


KEPT_HEADERS = ("Content-Type", "Content-Language")


class PageCacheMiddleware:
    """Serve anonymous catalog pages from the page cache; store what they render on a miss.

    Last in MIDDLEWARE, so a hit still passes back through every other middleware (session,
    CSRF cookie, security headers, CSP, private pages) on its way out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _request.tokens = {}
        try:
            return self._respond(request)
        finally:
            _request.tokens = None

    def _respond(self, request: HttpRequest) -> HttpResponse:
        found = plan(request)
        if found is None:
            return self.get_response(request)
        pages = caches[PAGES_ALIAS]
        version_keys = [f"{VERSION_PREFIX}{name}" for name in found.deps]
        fetched = pages.get_many([found.key, *version_keys])  # one round trip
        entry = fetched.pop(found.key, None)
        tokens = _current(fetched, version_keys)
        if entry is not None and entry.get("deps") == tokens:
            response = HttpResponse(_fill(request, entry["pieces"]), status=200)
            for name, value in entry["headers"].items():
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response
        session = getattr(request, "session", None)
        accessed_before = getattr(session, "accessed", False)
        if session is not None:
            session.accessed = False  # from here on, a read means the view used the session
        request.page_cache_filling = True
        try:
            response = self.get_response(request)
        finally:
            request.page_cache_filling = False
        if response.streaming:
            return response
        pieces = _split(response.content)
        if _storable(request, response):
            headers = {name: response[name] for name in KEPT_HEADERS if name in response}
            pages.set(
                found.key,
                {"pieces": pieces, "headers": headers, "deps": tokens},
                timeout=settings.PAGE_CACHE_SECONDS,
            )
            response["X-Page-Cache"] = "miss"
        if session is not None:
            session.accessed = session.accessed or accessed_before
        response.content = _fill(request, pieces)
        return response
