"""The SLA clock of a complaint, on plain inputs (no ticket model here): when a ticket opened,
its target in working seconds, and its pauses.

How the clock counts (docs/complaints.md, "The SLA clock"):
- Only the shop's working time counts: `BUSINESS_HOURS` on `BUSINESS_WORKING_WEEKDAYS` in the
  shop's time zone, with the `CalendarDay` rows (holidays and closures count nothing, a bayram
  eve stops at its `closes_at`, a weekend day worked counts in full) — `shop.calendar`.
- The clock pauses while the ticket waits on the customer: `pauses` are `(start, end)`
  intervals, `end` None while the ticket is still waiting. Paused time never counts.
- A ticket opened outside working hours starts its clock at the next opening.
- A due time landing exactly on a closing is that closing instant (a 9-hour target opened at
  09:00 is due at 18:00 the same day, not at 09:00 the next morning).
- While a pause is open the due time is unknown (None): the clock is stopped and cannot breach.
"""

import math
from collections.abc import Sequence
from datetime import datetime

from shop.business_time import Pause
from shop.calendar import add_business_seconds, business_seconds_between

WARNING_FRACTION = 0.8  # the assignee is warned at 80 % of the target


def sla_elapsed(*, opened_at: datetime, now: datetime, pauses: Sequence[Pause] = ()) -> int:
    """The working seconds the clock has run from `opened_at` to `now`, pauses left out."""
    return business_seconds_between(opened_at, now, pauses=pauses)


def sla_due_at(
    *, opened_at: datetime, target_seconds: int, pauses: Sequence[Pause] = ()
) -> datetime | None:
    """When `target_seconds` of unpaused working time will have run since `opened_at`, or None
    while the ticket is paused with no end (the clock is stopped)."""
    return add_business_seconds(opened_at, target_seconds, pauses=pauses)


def sla_warning_at(
    *, opened_at: datetime, target_seconds: int, pauses: Sequence[Pause] = ()
) -> datetime | None:
    """When the clock reaches `WARNING_FRACTION` of the target (whole seconds, rounded up), or
    None while paused with no end."""
    return add_business_seconds(
        opened_at, math.ceil(target_seconds * WARNING_FRACTION), pauses=pauses
    )


def sla_fraction(
    *, opened_at: datetime, now: datetime, target_seconds: int, pauses: Sequence[Pause] = ()
) -> float:
    """How much of the target has been used by `now`: 0.0 at the start, 1.0 at the due time,
    above 1.0 once breached. At or above `WARNING_FRACTION`, the assignee is warned."""
    if target_seconds <= 0:
        raise ValueError("An SLA target must be positive.")
    return sla_elapsed(opened_at=opened_at, now=now, pauses=pauses) / target_seconds
