"""The shop's one business calendar: working days and hours, Turkish public holidays and the
bayram eves as half days (rows seeded from the `holidays` library, edited by staff). The
complaint desk's SLA clock, the chat's opening hours and the delivery promise all read it.

Working hours are `BUSINESS_HOURS` on `BUSINESS_WORKING_WEEKDAYS`, in the shop's time zone; a
`CalendarDay` row changes one day: a holiday or a closure has none, a half day stops at its
`closes_at`, a weekend day worked has the usual hours. A half day counts as a working day when it
falls on a working weekday; a bayram eve on a Saturday leaves the shop closed.

The arithmetic itself is `shop.business_time` (pure); this module feeds it the calendar's hours.
"""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from .business_time import Hours, Pause, paused_add_working_seconds, paused_working_seconds_between
from .models import CalendarDay


def _usual_hours() -> tuple[time, time]:
    opens, closes = settings.BUSINESS_HOURS
    return time.fromisoformat(opens), time.fromisoformat(closes)


class BusinessCalendar:
    """The calendar over a span of dates, read in one query."""

    def __init__(
        self, first: date, last: date, *, working_weekdays: Sequence[int] | None = None
    ) -> None:
        self.first, self.last = first, last
        # The weekdays worked without a row saying otherwise: the office's unless told (the
        # warehouse has its own, WAREHOUSE_WORKING_WEEKDAYS).
        self.working_weekdays = frozenset(
            settings.BUSINESS_WORKING_WEEKDAYS if working_weekdays is None else working_weekdays
        )
        self.days = {
            row.date: row
            for row in CalendarDay.objects.filter(date__range=(first, last)).only(
                "date", "kind", "closes_at"
            )
        }

    def hours(self, day: date) -> Hours:
        """When the shop works on `day` (opens, closes), or None."""
        opens, closes = _usual_hours()
        row = self.days.get(day)
        if row is None:
            return (opens, closes) if day.weekday() in self.working_weekdays else None
        if row.kind in (CalendarDay.Kind.HOLIDAY, CalendarDay.Kind.CLOSED):
            return None
        if row.kind == CalendarDay.Kind.HALF_DAY:  # shortens a working day, opens no weekend
            usual = day.weekday() in self.working_weekdays
            return (opens, min(closes, row.closes_at)) if usual and row.closes_at > opens else None
        return opens, closes  # a weekend day worked


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def working_hours(day: date) -> Hours:
    return BusinessCalendar(day, day).hours(day)


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (a half day counts)."""
    calendar = BusinessCalendar(start, start + timedelta(days=days * 3 + 30))
    day = start
    while days > 0:
        day += timedelta(days=1)
        if calendar.hours(day) is not None:
            days -= 1
    return day


def _hours_within(calendar: BusinessCalendar):
    """The calendar's hours, refusing a day outside the span it read."""

    def hours(day: date) -> Hours:
        if not calendar.first <= day <= calendar.last:
            raise _BeyondSpan
        return calendar.hours(day)

    return hours


class _BeyondSpan(LookupError):
    pass


def business_seconds_between(
    start: datetime, end: datetime, *, pauses: Sequence[Pause] = ()
) -> int:
    """Working time between two instants, in whole seconds (the SLA clock's measure), leaving
    out the pauses (`(start, end)` intervals, end None = still paused)."""
    if end <= start:
        return 0
    zone = _zone()
    calendar = BusinessCalendar(start.astimezone(zone).date(), end.astimezone(zone).date())
    return int(
        paused_working_seconds_between(start, end, pauses=pauses, hours=calendar.hours, zone=zone)
    )


def add_business_seconds(
    start: datetime, seconds: float, *, pauses: Sequence[Pause] = ()
) -> datetime | None:
    """The instant at which `seconds` of working time have passed after `start` (see
    `shop.business_time` for the conventions: a start outside hours waits for the next opening;
    landing exactly on a closing gives the closing instant). With pauses, the paused time does
    not count, and a pause with no end that begins before the time is up gives None. Without
    pauses the answer is never None.

    The calendar rows are read in one query over a span wide enough for the usual case; a span
    too short (a long pause, a long closure) is doubled and read again."""
    zone = _zone()
    first = start.astimezone(zone).date()
    opens, closes = _usual_hours()
    day_seconds = max(
        (datetime.combine(first, closes) - datetime.combine(first, opens)).total_seconds(), 3600
    )
    days = int(seconds // day_seconds) * 2 + 21  # weekends, holidays and half days
    for _pause_start, pause_end in pauses:
        if pause_end is not None and pause_end > start:
            days += (pause_end.astimezone(zone).date() - first).days
    while True:
        calendar = BusinessCalendar(first, first + timedelta(days=days))
        try:
            return paused_add_working_seconds(
                start, seconds, pauses=pauses, hours=_hours_within(calendar), zone=zone
            )
        except _BeyondSpan:
            days *= 2
