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

Each worker also keeps the tokens and the pages it has read, so a hit costs no round trip at
all: a connection of its own asks Redis to tell it of every write to a token (client tracking,
broadcast mode), and any word on it drops every kept token before the next request uses one.
Redis sends that word before it answers the write, so once a change is saved the next request
in any worker sees it. A kept page is used only while its tokens are current, like one read
from Redis; without tracking (a Redis before 6, TLS) every request reads the tokens.
"""

import hashlib
import logging
import os
import re
import secrets
import socket
import threading
import time
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

logger = logging.getLogger(__name__)

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
    return {key.removeprefix(VERSION_PREFIX): str(found[key]) for key in keys}


def versions(names: Iterable[str]) -> dict[str, str]:
    """The current token of each name (at most one cache round trip per request, none when
    this worker keeps them all)."""
    names = list(names)
    remembered = _remembered()
    if remembered is None:  # outside a request: read them all
        tokens: dict[str, str] = {}
        _read_tokens(names, tokens)
        return tokens
    missing = [name for name in names if name not in remembered]
    if missing:
        # Every catalog page reads these two (menu, filters, cards): fetch them together.
        wanted = dict.fromkeys([*missing, CATALOG, MENU])
        _read_tokens([name for name in wanted if name not in remembered], remembered)
    return {name: remembered[name] for name in names}


def _read_tokens(names: list[str], into: dict[str, str], fetched: dict | None = None) -> None:
    """Put these tokens into `into`: kept ones when this request may trust them, the rest from
    `fetched` or one get_many (and kept from then on)."""
    trusted = getattr(_request, "trusted", False)
    if trusted:
        names = tracker.take(names, into)
    if not names:
        return
    generation = tracker.generation
    keys = [f"{VERSION_PREFIX}{name}" for name in names]
    if fetched is None:
        fetched = _store().get_many(keys)
    tokens = _current(fetched, keys)
    into.update(tokens)
    if trusted:
        tracker.keep(tokens, generation)


# --- Kept tokens and pages: each worker's copies -----------------------------------------------


class Tracker:
    """This worker's copy of the version tokens, and the connection on which Redis tells it of
    every write to one (`CLIENT TRACKING ON BCAST PREFIX`, RESP3 pushes on that connection).

    The connection is read without waiting before each request (`sync`): anything on it, or a
    lost connection, drops every kept token. A token read from Redis is kept only if nothing
    was dropped since the read began (`generation`), so a thread that read an old token cannot
    put it back after another thread heard of the write. A PING at most every HEARTBEAT_SECONDS
    proves the connection still carries Redis's word: kept tokens are used only within
    TRUST_SECONDS of the last answer (a silently cut network loses no change for longer), and
    an unanswered PING counts as a lost connection. Reconnects at once after a drop or a fork,
    and after a failure to connect at most every RETRY_SECONDS; meanwhile every request reads
    its tokens.
    """

    RETRY_SECONDS = 30.0
    HEARTBEAT_SECONDS = 1.0
    TRUST_SECONDS = 3.0
    PING = b"*1\r\n$4\r\nPING\r\n"
    PONG = b"+PONG\r\n"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[str, str] = {}
        self.generation = 0
        self._connection: object | None = None
        self._socket: socket.socket | None = None
        self._pid = 0
        self._retry_at = 0.0
        self._pinged_at = 0.0  # when the last PING was sent
        self._answered_at = 0.0  # when the last answered PING was sent (or the connection made)

    def sync(self) -> bool:
        """Drop the kept tokens if a token was written since the last sync; True when the kept
        ones may be used in this request."""
        if not settings.PAGE_CACHE_ENABLED:
            return False
        with self._lock:
            if self._pid != os.getpid():  # a forked worker: the parent's socket is not its own
                self._socket = self._connection = None
                self._pid = os.getpid()
            if self._socket is None and not self._connect():
                return False
            now = time.monotonic()
            try:
                heard = self._drain()
                waiting = self._answered_at < self._pinged_at
                if waiting and now - self._pinged_at > self.TRUST_SECONDS:
                    raise ConnectionError("no answer to PING")
                if not waiting and now - self._pinged_at >= self.HEARTBEAT_SECONDS:
                    self._socket.send(self.PING)
                    self._pinged_at = now
            except OSError as error:
                logger.warning("page cache: Redis stopped telling of version changes (%s)", error)
                self._close()
                self._retry_at = 0.0  # reconnect at once
                return False
            if heard.replace(self.PONG, b""):
                self._forget()
            return now - self._answered_at <= self.TRUST_SECONDS

    def _drain(self) -> bytes:
        """What Redis has sent since the last sync (without waiting); a PONG answers the PING."""
        heard = b""
        while True:
            try:
                data = self._socket.recv(65536)
            except BlockingIOError:
                break
            if not data:
                raise ConnectionError("closed by Redis")
            heard += data
        if self.PONG in heard:
            self._answered_at = self._pinged_at
        return heard

    def take(self, names: list[str], into: dict[str, str]) -> list[str]:
        """Copy the kept tokens of these names into `into`; the names not kept."""
        kept = self._kept
        into.update((name, kept[name]) for name in names if name in kept)
        return [name for name in names if name not in into]

    def keep(self, tokens: dict[str, str], generation: int) -> None:
        with self._lock:
            if generation == self.generation:
                self._kept.update(tokens)

    def forget(self, names: Iterable[str] | None = None) -> None:
        """Drop these kept tokens (all without names): this worker wrote them."""
        with self._lock:
            self._forget(names)

    def _forget(self, names: Iterable[str] | None = None) -> None:
        self.generation += 1
        if names is None:
            self._kept.clear()
        for name in names or ():
            self._kept.pop(name, None)

    def _connect(self) -> bool:
        import redis

        if time.monotonic() < self._retry_at:
            return False
        self._retry_at = time.monotonic() + self.RETRY_SECONDS
        self._forget()  # whatever was written while nobody listened
        try:
            pool = redis.ConnectionPool.from_url(
                settings.PAGE_CACHE_URL, protocol=3, socket_connect_timeout=2, socket_timeout=2
            )
            connection = pool.make_connection()
            connection.connect()
            prefix = caches[PAGES_ALIAS].make_key(VERSION_PREFIX)
            connection.send_command("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", prefix)
            reply = connection.read_response()
        except (redis.RedisError, OSError) as error:
            logger.warning("page cache: Redis does not tell of version changes (%s)", error)
            return False
        sock = getattr(connection, "_sock", None)
        # TLS is not tracked: a read without waiting would need the SSL layer's own buffering.
        if reply not in (b"OK", "OK") or type(sock) is not socket.socket:
            connection.disconnect()
            return False
        sock.setblocking(False)  # from here on never waited for
        self._connection, self._socket = connection, sock
        self._pinged_at = self._answered_at = time.monotonic()
        return True

    def _close(self) -> None:
        connection, self._connection, self._socket = self._connection, None, None
        self._forget()
        if connection is not None:
            connection.disconnect()


tracker = Tracker()

_pages: dict[str, dict] = {}  # cache key -> entry, used only while its tokens are current
_pages_lock = threading.Lock()
PAGES_KEPT = 512  # about 12 kB each


def forget_kept() -> None:
    """Drop this worker's kept tokens and pages (after the page cache is cleared)."""
    tracker.forget()
    with _pages_lock:
        _pages.clear()


def _kept_page(key: str) -> dict | None:
    entry = _pages.get(key)
    return entry if entry is not None and entry["expires"] > time.time() else None


def _keep_page(key: str, entry: dict) -> None:
    with _pages_lock:
        _pages.pop(key, None)
        while len(_pages) >= PAGES_KEPT:
            _pages.pop(next(iter(_pages)))  # the oldest
        _pages[key] = entry


def _bump_now(names: Iterable[str]) -> None:
    tokens = {name: _new_token() for name in names}
    _store().set_many({f"{VERSION_PREFIX}{name}": token for name, token in tokens.items()}, None)
    tracker.forget(tokens)  # this worker's own write: no need to wait for Redis to tell it
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
    key = "page:v4:" + hashlib.sha256(raw.encode()).hexdigest()
    return Plan(key=key, deps=tuple(deps))


@lru_cache(maxsize=4)
def _marker_pattern(secret: str) -> re.Pattern[str]:
    return re.compile(r"__dkpc" + secret + r"_(\w+?)__")


def split_text(text: str) -> tuple[str, ...]:
    """Rendered HTML as its text (even places) and the visitor parts between them (odd)."""
    return tuple(_marker_pattern(_marker_secret(settings.SECRET_KEY)).split(text))


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
        _request.trusted = tracker.sync()
        try:
            return self._respond(request)
        finally:
            _request.tokens = None
            _request.trusted = False

    def _respond(self, request: HttpRequest) -> HttpResponse:
        found = plan(request)
        if found is None:
            return self.get_response(request)
        pages = caches[PAGES_ALIAS]
        tokens = _request.tokens
        entry = _kept_page(found.key)
        kept_here = entry is not None
        if not kept_here:  # the page and its tokens in one round trip
            version_keys = [f"{VERSION_PREFIX}{name}" for name in found.deps]
            fetched = pages.get_many([found.key, *version_keys])
            entry = fetched.pop(found.key, None)
            _read_tokens(list(found.deps), tokens, fetched)
        else:  # kept here: its tokens (kept too, unless Redis cannot tell of changes)
            _read_tokens(list(found.deps), tokens)
        deps = {name: tokens[name] for name in found.deps}
        if kept_here and entry["deps"] != deps:  # another worker may have renewed it already
            entry, kept_here = pages.get(found.key), False
        if entry is not None and entry["deps"] == deps and entry["expires"] > time.time():
            if not kept_here:
                _keep_page(found.key, entry)
            body = fill_text(request, entry["pieces"]).encode(settings.DEFAULT_CHARSET)
            response = HttpResponse(body, status=200)
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
            pages.set(found.key, entry, timeout=seconds)
            _keep_page(found.key, entry)
            response["X-Page-Cache"] = "miss"
        if session is not None:
            session.accessed = session.accessed or accessed_before
        response.content = fill_text(request, pieces).encode(response.charset, "surrogateescape")
        return response
