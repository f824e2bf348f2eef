"""Dates staff choose (a report's range) as instants, and days as people read them."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import pgettext


def _as_date(value: date | str) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def day_span(start: date | str, end: date | str | None = None) -> str:
    """'Thursday 10 December', 'Thursday 10 – Friday 11 December' or 'Monday 30 November –
    Tuesday 1 December', in the active language (dates or ISO strings, as messages keep them)."""
    first = _as_date(start)
    last = _as_date(end) if end else first
    whole = pgettext("a day with its weekday", "l j F")
    if last == first:
        return date_format(first, whole)
    if (last.year, last.month) == (first.year, first.month):
        head = date_format(first, pgettext("a day with its weekday, month left out", "l j"))
        return f"{head} – {date_format(last, whole)}"
    return f"{date_format(first, whole)} – {date_format(last, whole)}"


def days_between(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in the current time zone: both days included."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )
