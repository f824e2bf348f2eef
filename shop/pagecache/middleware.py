"""Whole anonymous pages from their own Redis database, per language, and each worker's copies.

A hit returns before any view, template or context processor runs. The stored body carries
markers where the page differs per visitor (markers.py); each response fills them for its own
visitor, so no two visitors share a token or a header. An entry is used only while the version
tokens of what it shows are current (versions.py); the page and its tokens come in one MGET,
and a worker that keeps both (tracking.py) serves a hit without a round trip. Only known,
normalised query parameters form a key; any other parameter bypasses the cache.
"""

import hashlib
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import translation

from shop.kept import Kept

from . import versions as _versions
from .markers import fill_text, split_text
from .store import PAGES_ALIAS, version_keys

MAX_VALUE_LENGTH = 100
# What a page shows: version names, fixed or from the language and the URL's keyword arguments.
Depends = Iterable[str] | Callable[[str, Mapping[str, str]], Iterable[str]]


@dataclass(frozen=True)
class Page:
    params: frozenset[str]  # the query parameters the page understands (others bypass)
    depends: Depends


# url name -> how the page is cached (registered by the app that owns the page).
CACHEABLE_VIEWS: dict[str, Page] = {}


def register_page(view_name: str, *, params: Iterable[str] = (), depends: Depends = ()) -> None:
    """Let a page (by its namespaced url name) be served from the cache for anonymous visitors.

    `depends`: the version names of what it shows (`[CATALOG]`), or a function of the language
    and the URL's keyword arguments returning them (a product page's own stock hint).
    """
    if not callable(depends):
        depends = tuple(depends)
    CACHEABLE_VIEWS[view_name] = Page(params=frozenset(params), depends=depends)


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


ROUTES = Kept(4096)  # (urlconf, language, path) -> (view name, URL keyword arguments)


def _route(urlconf: str | None, language: str, path: str) -> tuple[str, dict[str, str]]:
    """The view name and keyword arguments a path resolves to in the active language (the
    prefix and the patterns depend on it); kept, so a hit skips the URL patterns."""
    key = (urlconf, language, path)
    route = ROUTES.get(key)
    if route is None:
        try:
            match = resolve(path, urlconf)
            route = (match.view_name, {name: str(value) for name, value in match.kwargs.items()})
        except Resolver404:
            route = ("", {})
        ROUTES.put(key, route)
    return route


def plan(request: HttpRequest) -> Plan | None:
    """The cache key and dependencies of this request, or None when it must not be cached."""
    if not settings.PAGE_CACHE_ENABLED or request.method != "GET":
        return None
    language = translation.get_language() or settings.LANGUAGE_CODE
    view_name, kwargs = _route(get_urlconf(), language, request.path_info)
    page = CACHEABLE_VIEWS.get(view_name)
    if page is None:
        return None
    query = _normalised_query(request, page.params)
    if query is None:
        return None
    if request.user.is_authenticated:  # signed-in pages are rendered for them (fragments help)
        return None
    depends = page.depends
    deps = tuple(depends(language, kwargs) if callable(depends) else depends)
    htmx = "hx" if request.headers.get("HX-Request") == "true" else "page"
    raw = f"{language}|{htmx}|{request.path_info}|{query}"
    key = "page:v4:" + hashlib.sha256(raw.encode()).hexdigest()
    return Plan(key=key, deps=deps)


# Each worker's copies of the pages it served, used only while their tokens are current.
PAGES = Kept(512, order="fifo")  # about 12 kB each


def forget_kept() -> None:
    """Drop this worker's kept tokens, pages and every other kept copy (after the page cache
    is cleared)."""
    from shop.kept import forget_all

    _versions.tracker.forget()
    forget_all()


def _kept_page(key: str) -> dict | None:
    entry = PAGES.get(key)
    return entry if entry is not None and entry["expires"] > time.time() else None


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
        tokens = _versions.begin_request()
        try:
            return self._respond(request, tokens)
        finally:
            _versions.end_request()

    def _respond(self, request: HttpRequest, tokens: dict[str, str]) -> HttpResponse:
        found = plan(request)
        if found is None:
            return self.get_response(request)
        pages = caches[PAGES_ALIAS]
        entry = _kept_page(found.key)
        kept_here = entry is not None
        if not kept_here:  # the page and its tokens in one round trip
            fetched = pages.get_many([found.key, *version_keys(found.deps)])
            entry = fetched.pop(found.key, None)
            _versions.read_tokens(list(found.deps), tokens, fetched)
        else:  # kept here: its tokens (kept too, unless Redis cannot tell of changes)
            _versions.read_tokens(list(found.deps), tokens)
        deps = {name: tokens[name] for name in found.deps}
        if kept_here and entry["deps"] != deps:  # another worker may have renewed it already
            entry, kept_here = pages.get(found.key), False
        if entry is not None and entry["deps"] == deps and entry["expires"] > time.time():
            if not kept_here:
                PAGES.put(found.key, entry)
            body = fill_text(request, entry["pieces"]).encode(settings.DEFAULT_CHARSET)
            response = HttpResponse(body, status=200)
            for name, value in entry["headers"].items():
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response
        return self._fill(request, found, deps)

    def _fill(self, request: HttpRequest, found: Plan, deps: dict[str, str]) -> HttpResponse:
        """Render the page with markers for the visitor parts, store it if nothing personal was
        rendered, and answer it filled for this visitor."""
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
        # Any bytes survive the round trip (a page is UTF-8; surrogateescape keeps the rest).
        pieces = split_text(response.content.decode(response.charset, "surrogateescape"))
        if _storable(request, response):
            headers = {name: response[name] for name in KEPT_HEADERS if name in response}
            seconds = settings.PAGE_CACHE_SECONDS
            entry = {
                "pieces": pieces,
                "headers": headers,
                "deps": deps,
                "expires": time.time() + seconds,
            }
            caches[PAGES_ALIAS].set(found.key, entry, timeout=seconds)
            PAGES.put(found.key, entry)
            response["X-Page-Cache"] = "miss"
        if session is not None:
            session.accessed = session.accessed or accessed_before
        response.content = fill_text(request, pieces).encode(response.charset, "surrogateescape")
        return response
