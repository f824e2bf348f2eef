"""Reads of the journeys: on or off, and the staff report."""

from dataclasses import dataclass

from django.db.models import Max

from crm.notifications.models import KindSwitch
from crm.notifications.selectors import kind_report

from ..models import JourneyRun
from .registry import Journey, all_journeys, get_journey


def journey_enabled(name: str) -> bool:
    """Whether staff left the journey on (a sweep checks this first); one query."""
    kinds = get_journey(name).kinds
    return not KindSwitch.objects.filter(kind__in=kinds, enabled=False).exists()


@dataclass
class JourneyFigures:
    journey: Journey
    enabled: bool
    sent: int
    waiting: int
    failed: int
    skipped: dict[str, int]
    unreachable: dict[str, int]
    last_run: JourneyRun | None

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


def journeys_report(*, days: int = 30) -> list[JourneyFigures]:
    """Per journey, its messages of the last `days` (sent, waiting, skipped and why, failed),
    who it cannot reach now, its last run and whether it is on; a fixed number of queries
    (plus one per journey that counts who it cannot reach)."""
    journeys = all_journeys()
    kinds = [kind for journey in journeys for kind in journey.kinds]
    figures = kind_report(kinds=kinds, days=days)
    off = set(KindSwitch.objects.filter(enabled=False).values_list("kind", flat=True))
    latest = JourneyRun.objects.values("journey").annotate(last=Max("pk")).values("last")
    runs = {run.journey: run for run in JourneyRun.objects.filter(pk__in=latest)}
    report = []
    for journey in journeys:
        skipped: dict[str, int] = {}
        for kind in journey.kinds:
            for reason, count in figures[kind]["skipped"].items():
                skipped[reason] = skipped.get(reason, 0) + count
        report.append(
            JourneyFigures(
                journey=journey,
                enabled=not off.intersection(journey.kinds),
                sent=sum(figures[kind]["sent"] for kind in journey.kinds),
                waiting=sum(figures[kind]["waiting"] for kind in journey.kinds),
                failed=sum(figures[kind]["failed"] for kind in journey.kinds),
                skipped=skipped,
                unreachable=journey.unreachable() if journey.unreachable else {},
                last_run=runs.get(journey.name),
            )
        )
    return report
