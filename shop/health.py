"""Checks behind /healthz: can we reach the database, the cache and the broker?

Higher apps add facts for information (never a reason for a 503) through `register_info`,
e.g. the notifications app reports how long the oldest queued message has waited.
"""

import uuid
from collections.abc import Callable

from celery import current_app
from django.core.cache import cache
from django.db import connection

UP, DOWN, EAGER = "up", "down", "eager"

_info: dict[str, Callable[[], object]] = {}


def register_info(name: str, reader: Callable[[], object]) -> None:
    """Add a fact to /healthz; a reader that fails reports None instead of failing the check."""
    _info[name] = reader


def health_info() -> dict[str, object]:
    facts = {}
    for name, reader in _info.items():
        try:
            facts[name] = reader()
        except Exception:
            facts[name] = None
    return facts


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return DOWN
    return UP


def check_cache() -> str:
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=5)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except Exception:
        return DOWN
    return UP if ok else DOWN


def check_broker() -> str:
    if current_app.conf.task_always_eager:
        return EAGER
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        return DOWN
    return UP


def health_report() -> dict[str, str]:
    return {"database": check_database(), "cache": check_cache(), "broker": check_broker()}
