"""Dates staff choose (a report's range) as instants."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def days_between(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in the current time zone: both days included."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )
