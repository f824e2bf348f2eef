"""Reads of segments: who is in one now, and how many."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from shop.models import User

from ..models import Segment
from .rules import segment_queryset


def segment_members(segment: Segment, *, now: datetime | None = None) -> QuerySet[User]:
    """The accounts in the segment now (its rules are clean: they were checked when saved)."""
    return segment_queryset(segment.rules, now=now)


def segment_count(rules: dict, *, now: datetime | None = None) -> int:
    """How many accounts clean `rules` hold now; one COUNT query, planned for its values."""
    with connection.execute_wrapper(_unprepared):
        return segment_queryset(rules, now=now).count()


def _unprepared(execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
    """Send the statement without preparing it. The shop prepares a statement on its fifth run
    (DATABASE_PREPARED_STATEMENTS), and PostgreSQL may then plan it once for any values; a
    count's best plan depends on its values (two years of age or sixty), and on 100,000
    customers the generic plan took 2–3 times as long (docs/rfm.md, the bench row)."""
    if context["connection"].vendor != "postgresql" or many:
        return execute(sql, params, many, context)
    with context["connection"].wrap_database_errors:
        return context["cursor"].cursor.execute(sql, params, prepare=False)
