"""Each worker's kept copies: one small bounded store for everything a worker keeps in memory.

Kept pages, `{% chrome %}` parts, the catalog's listings, cards and menus, the header's account
links: each is a `Kept` of its own size. A kept value is shared by every thread of the worker,
so it is never written to once kept (read-only rows, tuples, strings).

Reads take no lock (each OrderedDict operation is atomic under the GIL); writes and evictions
do. `order="lru"` moves a value to the end on each read and evicts the least recently read;
`order="fifo"` evicts the oldest kept (and its reads cost a single dict lookup).
"""

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from functools import wraps
from typing import Any, Literal, ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")

_MISSING: Any = object()
_ALL: "weakref.WeakSet[Kept]" = weakref.WeakSet()


class Kept:
    """At most `size` values by key, evicted least recently read (lru) or oldest first (fifo)."""

    def __init__(self, size: int, *, order: Literal["lru", "fifo"] = "lru") -> None:
        self.size = size
        self.lru = order == "lru"
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        _ALL.add(self)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    def get(self, key: Hashable, default: Any = None) -> Any:
        value = self._entries.get(key, _MISSING)
        if value is _MISSING:
            return default
        if self.lru:
            try:  # noqa: SIM105 - a plain try costs less than suppress() on every read
                self._entries.move_to_end(key)
            except KeyError:  # evicted by another thread meanwhile
                pass
        return value

    def put(self, key: Hashable, value: T) -> T:
        """Keep `value` under `key` (as the newest), evicting beyond `size`; returns it."""
        with self._lock:
            entries = self._entries
            entries.pop(key, None)
            while len(entries) >= self.size:
                entries.popitem(last=False)
            entries[key] = value
        return value

    def get_or_load(self, key: Hashable, load: Callable[[], T]) -> T:
        """The kept value, or `load()` kept from now on (two threads may both load it once)."""
        value = self.get(key, _MISSING)
        if value is _MISSING:
            value = self.put(key, load())
        return value

    def get_many(
        self, keys: Iterable[Hashable], load: Callable[[list], dict[Hashable, T]]
    ) -> dict[Hashable, T]:
        """Several values at once: those not kept are loaded together (`load(missing keys)`
        returns a value for each it found; a key it did not find is not kept)."""
        found, missing = {}, []
        for key in keys:
            value = self.get(key, _MISSING)
            if value is _MISSING:
                missing.append(key)
            else:
                found[key] = value
        if missing:
            loaded = load(missing)
            for key in missing:
                if key in loaded:
                    found[key] = self.put(key, loaded[key])
        return found

    def pop(self, key: Hashable) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def memo(self, function: Callable[P, T]) -> Callable[P, T]:
        """A function's results kept here by its positional arguments (as functools.lru_cache,
        in this store)."""

        @wraps(function)
        def kept(*args: P.args, **kwargs: P.kwargs) -> T:
            assert not kwargs, "kept functions take positional arguments only"
            value = self.get(args, _MISSING)
            if value is _MISSING:
                value = self.put(args, function(*args))
            return value

        kept.kept = self  # type: ignore[attr-defined]
        return kept


def forget_all() -> None:
    """Drop every worker copy (after the caches are cleared, and between tests)."""
    for kept in list(_ALL):
        kept.clear()
