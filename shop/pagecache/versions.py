"""Version tokens: what a kept page or part is valid for, bumped by every change it shows.

An entry remembers the tokens of what it shows ("catalog" for everything listings show,
"product:<lang>:<slug>" for a product page's stock hint) and is used only while they are
current. A change bumps them (now and again on commit), so the next request renders afresh.
Tokens are random, so a lost token can never bring an old entry back; LRU eviction of a token
only costs a render. Within one request the tokens are read once (the request memo: menu,
filters and cards share them), and a worker that hears of every write (tracking) keeps them.
"""

import secrets
from collections.abc import Iterable

from asgiref.local import Local
from django.db import transaction

from .store import CATALOG, MENU, VERSION_PREFIX, token_store, version_keys
from .tracking import tracker

_request = Local()  # the tokens read during the current request, and whether kept ones count


def _new_token() -> str:
    return secrets.token_hex(6)


def begin_request() -> dict[str, str]:
    """Start the request memo (the page cache middleware, first thing in each request)."""
    tokens: dict[str, str] = {}
    _request.tokens = tokens
    _request.trusted = tracker.sync()
    return tokens


def end_request() -> None:
    _request.tokens = None
    _request.trusted = False


def _remembered() -> dict[str, str] | None:
    return getattr(_request, "tokens", None)


def _current(found: dict[str, object], keys: list[str]) -> dict[str, str]:
    """Tokens from a get_many; a missing one is created (the first writer wins)."""
    store = None
    for key in keys:
        if key not in found:
            store = store or token_store()
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
        read_tokens(names, tokens)
        return tokens
    missing = [name for name in names if name not in remembered]
    if missing:
        # Every catalog page reads these two (menu, filters, cards): fetch them together.
        wanted = dict.fromkeys([*missing, CATALOG, MENU])
        read_tokens([name for name in wanted if name not in remembered], remembered)
    return {name: remembered[name] for name in names}


def read_tokens(names: list[str], into: dict[str, str], fetched: dict | None = None) -> None:
    """Put these tokens into `into`: kept ones when this request may trust them, the rest from
    `fetched` or one get_many (and kept from then on)."""
    trusted = getattr(_request, "trusted", False)
    if trusted:
        names = tracker.take(names, into)
    if not names:
        return
    generation = tracker.generation
    keys = version_keys(names)
    if fetched is None:
        fetched = token_store().get_many(keys)
    tokens = _current(fetched, keys)
    into.update(tokens)
    if trusted:
        tracker.keep(tokens, generation)


def _bump_now(names: Iterable[str]) -> None:
    tokens = {name: _new_token() for name in names}
    keys = version_keys(list(tokens))
    token_store().set_many(dict(zip(keys, tokens.values(), strict=True)), None)
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
