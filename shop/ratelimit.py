"""Counting attempts per visitor in the cache: coupon guesses, failed checkout submissions."""

from collections.abc import Iterable

from django.core.cache import cache

Limit = tuple[str, int]  # (cache key, most attempts allowed in the window)


def attempts_exhausted(limits: Iterable[Limit]) -> bool:
    """True when any of the counters has already reached its limit."""
    limits = list(limits)
    counts = cache.get_many([key for key, _ in limits])
    return any(counts.get(key, 0) >= allowed for key, allowed in limits)


def attempt_count(limits: Iterable[Limit], *, window_seconds: int) -> None:
    """Count one attempt on every counter; a counter lives for the window from its first use."""
    for key, _ in limits:
        cache.add(key, 0, timeout=window_seconds)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window_seconds)
