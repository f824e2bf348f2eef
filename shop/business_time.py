"""Working-time arithmetic, pure: no database, no settings. The shop's calendar (`shop.calendar`)
and the complaint desk's SLA clock (`complaints.sla`) are built on it.

The opening hours come as a function `hours(day) -> (opens, closes) | None` (None: closed all
day) and a time zone. Each working day is one interval from `opens` to `closes`, built as local
times of that day in the zone and only then turned into instants, so a day on which the clocks
change is as long as it really is (a local time the change skips is read as the zone reads it
with `fold=0`; a day whose closing does not fall after its opening counts as closed). All
arithmetic runs in UTC: aware datetimes sharing one `ZoneInfo` would compare and subtract by
wall clock.

Conventions:
- Intervals are measured as `[opens, closes]`; time outside them, and inside pauses, does not
  count. Seconds are floats (exact for whole seconds).
- `add_working_seconds` answers the earliest instant, at or after the moment the clock starts,
  by which `seconds` of working time have passed. The clock starts at `start` if that is within
  working hours (its closing instant included), else at the next opening. Landing exactly on a
  closing therefore gives the closing instant, never the next morning's opening; the result is
  always inside working hours or exactly at a closing.
- Pauses are `(start, end)` intervals, `end` None meaning still paused: they may overlap, reach
  back before `start` or lie outside working hours. Paused time never counts. A pause with no
  end that begins before the seconds run out stops the clock for good: the paused variant of
  `add_working_seconds` then answers None.
- A run of `MAX_CLOSED_DAYS` days without working hours raises ValueError (a calendar with no
  working day, say), so no loop is unbounded.
"""

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo

Hours = tuple[time, time] | None
HoursFunction = Callable[[date], Hours]
Pause = tuple[datetime, datetime | None]

MAX_CLOSED_DAYS = 400


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Working time needs aware datetimes.")
    return moment.astimezone(UTC)


def _day_interval(
    day: date, hours: HoursFunction, zone: tzinfo
) -> tuple[datetime, datetime] | None:
    """The working interval of one local day, in UTC, or None."""
    opening = hours(day)
    if opening is None:
        return None
    opens = datetime.combine(day, opening[0], tzinfo=zone).astimezone(UTC)
    closes = datetime.combine(day, opening[1], tzinfo=zone).astimezone(UTC)
    return (opens, closes) if closes > opens else None


def _working_intervals(
    first_day: date, hours: HoursFunction, zone: tzinfo, last_day: date | None = None
) -> Iterator[tuple[datetime, datetime]]:
    """The working intervals from `first_day` on (up to `last_day` if given), in UTC."""
    day, closed_run = first_day, 0
    while last_day is None or day <= last_day:
        interval = _day_interval(day, hours, zone)
        if interval is None:
            closed_run += 1
            if closed_run >= MAX_CLOSED_DAYS:
                raise ValueError(f"No working day in {MAX_CLOSED_DAYS} days after {first_day}.")
        else:
            closed_run = 0
            yield interval
        day += timedelta(days=1)


def _merged_pauses(
    pauses: Sequence[Pause], after: datetime
) -> list[tuple[datetime, datetime | None]]:
    """The pauses in UTC, sorted, merged, and without those over by `after`."""
    cleaned = []
    for pause_start, pause_end in pauses:
        begin = _utc(pause_start)
        end = None if pause_end is None else _utc(pause_end)
        if end is not None and (end <= begin or end <= after):
            continue
        cleaned.append((begin, end))
    cleaned.sort(key=lambda pause: pause[0])
    merged: list[tuple[datetime, datetime | None]] = []
    for begin, end in cleaned:
        if merged and (merged[-1][1] is None or begin <= merged[-1][1]):
            last_begin, last_end = merged[-1]
            joined = None if last_end is None or end is None else max(last_end, end)
            merged[-1] = (last_begin, joined)
        else:
            merged.append((begin, end))
    return merged


def _running_spans(
    start: datetime,
    hours: HoursFunction,
    zone: tzinfo,
    pauses: Sequence[Pause],
    last_day: date | None = None,
) -> Iterator[tuple[datetime, datetime]]:
    """The closed spans in which the clock runs, in order, from the first one that reaches
    `start` on (it may begin before `start`): working intervals minus the pauses."""
    for span_start, span_end in _spans(start, hours, zone, pauses, last_day):
        if span_end >= start:
            yield span_start, span_end


def _spans(
    start: datetime,
    hours: HoursFunction,
    zone: tzinfo,
    pauses: Sequence[Pause],
    last_day: date | None,
) -> Iterator[tuple[datetime, datetime]]:
    pending = _merged_pauses(pauses, start)
    first_day = start.astimezone(zone).date()
    for opens, closes in _working_intervals(first_day, hours, zone, last_day):
        if closes < start:
            continue
        cursor = opens
        while pending and pending[0][1] is not None and pending[0][1] <= cursor:
            pending.pop(0)  # over before this span
        for pause_start, pause_end in pending:
            if pause_start >= closes:
                break
            if pause_start > cursor:
                yield cursor, pause_start
            if pause_end is None:
                return  # paused for good
            cursor = max(cursor, pause_end)
            if cursor >= closes:
                break
        if cursor < closes:
            yield cursor, closes


def working_seconds_between(
    start: datetime, end: datetime, *, hours: HoursFunction, zone: tzinfo
) -> float:
    """The working time between two aware instants, in seconds (0 if `end` is not after
    `start`)."""
    return paused_working_seconds_between(start, end, pauses=(), hours=hours, zone=zone)


def paused_working_seconds_between(
    start: datetime,
    end: datetime,
    *,
    pauses: Sequence[Pause],
    hours: HoursFunction,
    zone: tzinfo,
) -> float:
    """The working time between two aware instants, leaving out the pauses, in seconds."""
    start, end = _utc(start), _utc(end)
    if end <= start:
        return 0.0
    last_day = end.astimezone(zone).date()
    total = timedelta()
    for span_start, span_end in _running_spans(start, hours, zone, pauses, last_day):
        if span_start >= end:
            break
        total += max(min(span_end, end) - max(span_start, start), timedelta())
    return total.total_seconds()


def add_working_seconds(
    start: datetime, seconds: float, *, hours: HoursFunction, zone: tzinfo
) -> datetime:
    """The instant at which `seconds` of working time have passed after `start` (in `zone`).
    See the module's conventions: the clock starts at the next opening if `start` is outside
    hours, and landing exactly on a closing gives the closing instant."""
    due = paused_add_working_seconds(start, seconds, pauses=(), hours=hours, zone=zone)
    assert due is not None  # only an open-ended pause stops the clock
    return due


def paused_add_working_seconds(
    start: datetime,
    seconds: float,
    *,
    pauses: Sequence[Pause],
    hours: HoursFunction,
    zone: tzinfo,
) -> datetime | None:
    """The instant at which `seconds` of working, unpaused time have passed after `start` (in
    `zone`), or None if a pause with no end stops the clock before then."""
    if seconds < 0:
        raise ValueError("Working seconds cannot be negative.")
    start = _utc(start)
    remaining = timedelta(seconds=seconds)
    for span_start, span_end in _running_spans(start, hours, zone, pauses):
        begin = max(span_start, start)
        if remaining <= span_end - begin:
            return (begin + remaining).astimezone(zone)
        remaining -= span_end - begin
    return None
