"""Reads of segments: who is in one now, and how many."""

from datetime import datetime

from django.db.models import QuerySet

from shop.models import User

from ..models import Segment
from .rules import segment_queryset


def segment_members(segment: Segment, *, now: datetime | None = None) -> QuerySet[User]:
    """The accounts in the segment now (its rules are clean: they were checked when saved)."""
    return segment_queryset(segment.rules, now=now)


def segment_count(rules: dict, *, now: datetime | None = None) -> int:
    """How many accounts clean `rules` hold now; one COUNT query."""
    return segment_queryset(rules, now=now).count()
