"""The shop's one business calendar: working days and hours, Turkish public holidays and the
bayram eves as half days (rows seeded from the `holidays` library, edited by staff). The
complaint desk's SLA clock, the chat's opening hours and the delivery promise all read it.

Working hours are `BUSINESS_HOURS` on `BUSINESS_WORKING_WEEKDAYS`, in the shop's time zone; a
`CalendarDay` row changes one day: a holiday or a closure has none, a half day stops at its
`closes_at`, a weekend day worked has the usual hours. A half day counts as a working day.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from .models import CalendarDay

Hours = tuple[time, time] | None


def _usual_hours() -> tuple[time, time]:
    opens, closes = settings.BUSINESS_HOURS
    return time.fromisoformat(opens), time.fromisoformat(closes)


class BusinessCalendar:
    """The calendar over a span of dates, read in one query."""

    def __init__(self, first: date, last: date) -> None:
        self.first, self.last = first, last
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
            return (opens, closes) if day.weekday() in settings.BUSINESS_WORKING_WEEKDAYS else None
        if row.kind in (CalendarDay.Kind.HOLIDAY, CalendarDay.Kind.CLOSED):
            return None
        if row.kind == CalendarDay.Kind.HALF_DAY:
            return (opens, min(closes, row.closes_at)) if row.closes_at > opens else None
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


def business_seconds_between(start: datetime, end: datetime) -> int:
    """Working time between two instants, in seconds (the SLA clock's measure)."""
    if end <= start:
        return 0
    zone = _zone()
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    calendar = BusinessCalendar(local_start.date(), local_end.date())
    total, day = 0.0, local_start.date()
    while day <= local_end.date():
        hours = calendar.hours(day)
        if hours is not None:
            opens = datetime.combine(day, hours[0], tzinfo=zone)
            closes = datetime.combine(day, hours[1], tzinfo=zone)
            span = min(closes, local_end) - max(opens, local_start)
            total += max(span.total_seconds(), 0)
        day += timedelta(days=1)
    return int(total)
