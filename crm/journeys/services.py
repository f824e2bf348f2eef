"""The journeys' common writes: switching one, and recording a sweep's run."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from crm.notifications.services import kind_switch
from shop.models import User

from ..models import JourneyRun
from .registry import get_journey


def journey_switch(*, name: str, enabled: bool, staff: User) -> None:
    """Switch every message kind of the journey off (its sweep stops) or on again (audited)."""
    with transaction.atomic():
        for kind in get_journey(name).kinds:
            kind_switch(kind=kind, enabled=enabled, staff=staff)


@dataclass
class RunTally:
    examined: int = 0
    queued: int = 0


@contextmanager
def journey_run(name: str) -> Iterator[RunTally]:
    """Record one run of a sweep: `with journey_run("birthday") as tally: tally.queued += 1`.

    The row is written at the start and finished at the end (with the error if it failed), so
    a run that died shows as unfinished."""
    get_journey(name)
    run = JourneyRun.objects.create(journey=name)
    tally = RunTally()
    try:
        yield tally
    except Exception as error:
        _finish(run, tally, error=f"{type(error).__name__}: {error}"[:255])
        raise
    _finish(run, tally)


def _finish(run: JourneyRun, tally: RunTally, error: str = "") -> None:
    JourneyRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(), examined=tally.examined, queued=tally.queued, error=error
    )
