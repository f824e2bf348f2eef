"""Which journeys there are, which message kinds each sends and which job runs it.

Every journey registers here (in `crm.apps.CrmConfig.ready`, or its own module imported there);
the staff screen, the switch and the report read this list."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Journey:
    name: str  # "birthday": the key of its runs and its dedupe keys
    title: object  # lazy translation
    description: object
    kinds: tuple[str, ...]  # the message kinds it sends (its switch switches these)
    job: str = ""  # the periodic job's name in shop/celery.py PERIODIC_JOBS
    # Standing figures of people it cannot reach and why ({"no birth date": 120}); one query.
    unreachable: Callable[[], dict[str, int]] | None = field(default=None, compare=False)


_journeys: dict[str, Journey] = {}


def register_journey(journey: Journey) -> Journey:
    _journeys[journey.name] = journey
    return journey


def get_journey(name: str) -> Journey:
    return _journeys[name]


def all_journeys() -> list[Journey]:
    return list(_journeys.values())
