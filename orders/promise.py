"""The delivery promise, pure: no database, no settings. `orders.selectors.promises` feeds it the
warehouse's calendar.

The warehouse's days come as a function `cutoff(day) -> time | None`: the last moment (shop time)
an order placed that day still ships that day, or None on a day nothing ships. An order placed
before a day's cut-off ships that day; otherwise on the next day that ships. Carriers count the
same days: a method of 2–4 days arrives on the 2nd to 4th shipping day after the day it ships
(0 days: the same day). Comparisons run in UTC, so a day on which the clocks change is read right.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

CutoffFunction = Callable[[date], time | None]

# A run of days without shipping this long means a calendar with none at all: refuse, never loop.
MAX_CLOSED_DAYS = 400


@dataclass(frozen=True)
class Promise:
    """What the shop promises an order placed now: it ships on `ships_on` if placed before
    `order_by`, and arrives between `earliest` and `latest` (both included)."""

    order_by: datetime
    ships_on: date
    earliest: date
    latest: date

    def left(self, now: datetime) -> timedelta:
        """How long is left to order for this promise (never negative)."""
        return max(self.order_by.astimezone(UTC) - now.astimezone(UTC), timedelta())


def _cutoff_instant(day: date, cutoff: CutoffFunction, zone: tzinfo) -> datetime | None:
    at = cutoff(day)
    return None if at is None else datetime.combine(day, at, tzinfo=zone)


def add_shipping_days(start: date, days: int, *, cutoff: CutoffFunction) -> date:
    """The `days`-th shipping day after `start` (`start` itself for 0)."""
    if days < 0:
        raise ValueError("Shipping days cannot be negative.")
    day, closed = start, 0
    while days > 0:
        day += timedelta(days=1)
        if cutoff(day) is None:
            closed += 1
            if closed >= MAX_CLOSED_DAYS:
                raise ValueError(f"No shipping day in {MAX_CLOSED_DAYS} days after {start}.")
            continue
        closed = 0
        days -= 1
    return day


def next_shipping_day(now: datetime, *, cutoff: CutoffFunction, zone: tzinfo) -> datetime:
    """The cut-off instant of the first shipping day an order placed at `now` makes."""
    day = now.astimezone(zone).date()
    for _ in range(MAX_CLOSED_DAYS):
        instant = _cutoff_instant(day, cutoff, zone)
        if instant is not None and instant.astimezone(UTC) > now.astimezone(UTC):
            return instant
        day += timedelta(days=1)
    raise ValueError(f"No shipping day in {MAX_CLOSED_DAYS} days after {now}.")


def promise_at(
    now: datetime, *, days_min: int, days_max: int, cutoff: CutoffFunction, zone: tzinfo
) -> Promise:
    """The promise for an order placed at `now` with a method of `days_min`–`days_max` days."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("A promise needs an aware datetime.")
    order_by = next_shipping_day(now, cutoff=cutoff, zone=zone)
    ships_on = order_by.date()
    return Promise(
        order_by=order_by,
        ships_on=ships_on,
        earliest=add_shipping_days(ships_on, days_min, cutoff=cutoff),
        latest=add_shipping_days(ships_on, max(days_min, days_max), cutoff=cutoff),
    )
