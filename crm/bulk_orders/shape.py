"""When and by whom orders are placed: the two years' time shape and the customers' habits.

Orders follow a weekly pattern (Sunday busiest, Saturday quietest), a gentle upward trend over
the two years and a November bump (and a smaller December one), in the shop's own days
(Europe/Istanbul). Each customer has a habit of their own: loyal ones order every few weeks,
regular ones every couple of months, occasional ones now and then; some stopped a while ago
(lapsed), and newer customers joined later (more of them as the shop grows). A guest orders
with an email only, some of them twice with the email typed in another case.
"""

import bisect
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

SPAN_DAYS = 730
# Monday … Sunday.
WEEKDAY = (1.0, 0.97, 0.98, 1.0, 1.08, 0.78, 1.22)
# January … December.
SEASON = (0.9, 0.92, 0.97, 0.98, 1.0, 0.96, 0.88, 0.9, 1.0, 1.05, 1.6, 1.25)
SHAPE_MAX = 1.2 * max(WEEKDAY) * max(SEASON)
# Hour of the day (local): quiet at night, an evening peak.
HOURS = [1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 9, 10, 11, 10, 9, 9, 10, 11, 13, 15, 16, 14, 9, 4]
HOURS_CUM = [sum(HOURS[: h + 1]) for h in range(24)]
# Per customer kind: its share, order rate (orders a day while active) and how often it lapsed.
KINDS = (
    ("loyal", 15, 1 / 24, 0.1),
    ("regular", 45, 1 / 75, 0.35),
    ("occasional", 40, 1 / 220, 0.4),
)
GUEST_SHARE = 0.05


def shop_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def shape(day: date, first_day: date) -> float:
    """How busy a shop day is, relative: trend × weekday × season."""
    trend = 0.8 + 0.4 * (day - first_day).days / SPAN_DAYS
    return trend * WEEKDAY[day.weekday()] * SEASON[day.month - 1]


@dataclass(frozen=True, slots=True)
class Habit:
    """A customer's habit: active from `first` to `last` (day offsets), at `rate` a day."""

    kind: str
    first: int
    last: int
    rate: float

    @property
    def weight(self) -> float:
        return self.rate * (self.last - self.first + 1)


def habit_of(seed: int, index: int) -> Habit:
    rng = random.Random(f"{seed}:habit:{index}")  # noqa: S311 - benchmark data
    roll, kind = rng.uniform(0, 100), KINDS[-1]
    for candidate in KINDS:
        if roll < candidate[1]:
            kind = candidate
            break
        roll -= candidate[1]
    name, _share, rate, lapse = kind
    # Half were customers before the two years began; the others joined along the way.
    first = 0 if rng.random() < 0.5 else min(int(SPAN_DAYS * rng.random()), SPAN_DAYS - 7)
    last = SPAN_DAYS
    if rng.random() < lapse and SPAN_DAYS - first > 120:
        last = first + int((SPAN_DAYS - first) * rng.uniform(0.15, 0.6))
    return Habit(name, first, max(last, first + 7), rate * rng.uniform(0.7, 1.4))


class Clock:
    """Draws placement times in a window of shop days, shaped by `shape`, never after `now`."""

    def __init__(self, now: datetime) -> None:
        self.zone = shop_zone()
        self.now = now
        self.first_day = now.astimezone(self.zone).date() - timedelta(days=SPAN_DAYS)
        self.latest = now - timedelta(minutes=5)

    def draw(self, rng: random.Random, first: int = 0, last: int = SPAN_DAYS) -> datetime:
        for _attempt in range(200):
            day = self.first_day + timedelta(days=first + int(rng.random() * (last - first + 1)))
            if rng.random() * SHAPE_MAX > shape(day, self.first_day):
                continue
            hour = bisect.bisect_right(HOURS_CUM, rng.randrange(HOURS_CUM[-1]))
            at = datetime.combine(day, time(hour, rng.randrange(60)), tzinfo=self.zone)
            if at <= self.latest:
                return at
        return self.latest - timedelta(minutes=rng.randint(5, 600))

    def local_date(self, at: datetime) -> date:
        return at.astimezone(self.zone).date()

    def at_local(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone)


class Customers:
    """Who places order n: an account picked by its habit's weight, or now and then a guest."""

    def __init__(self, ids: list[int], seed: int, *, guests: bool) -> None:
        self.ids = ids
        self.habits = [habit_of(seed, n) for n in range(len(ids))]
        cum, total = [], 0.0
        for habit in self.habits:
            total += habit.weight
            cum.append(total)
        self.cum, self.total = cum, total
        self.guests = max(5, len(ids) // 4) if guests else 0

    def pick(self, rng: random.Random) -> tuple[int, Habit | None]:
        """(index of the account, its habit), or (guest number, None)."""
        if self.guests and rng.random() < GUEST_SHARE:
            return rng.randrange(self.guests), None
        index = bisect.bisect_left(self.cum, rng.random() * self.total)
        index = min(index, len(self.ids) - 1)
        return index, self.habits[index]


def guest_email(number: int, rng: random.Random) -> str:
    """A guest's email; one in four typed with capitals (the same guest, another case)."""
    email = f"seed-guest-{number}@example.com"
    return (
        email.replace("seed-guest", "Seed-Guest").replace("example", "Example")
        if (rng.random() < 0.25)
        else email
    )
