"""Finding today's special days and greeting everyone who may receive marketing, in batches.

The hourly sweep (`special_days_sweep`) works on the shop's date: for each special day that
falls today it splits, per channel, the customers still owed the greeting (the marketing
audience without a message for this occasion) into ranges of user ids and queues one task per
range (`special_days_batch`). A batch reads its range of the audience again and queues through
`notification_send_many`, which skips the keys already queued: a batch run twice, or a sweep
run again after a worker died halfway, queues each greeting once. Each message waits until
10:00 on the day in the customer's own time zone (and out of the quiet hours).
"""

import datetime
from itertools import batched
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone, translation
from django.utils.translation import pgettext

from crm.notifications.models import Category, Channel, Message
from crm.notifications.selectors import marketing_audience
from crm.notifications.services import Outgoing, notification_send_many
from shop.background import enqueue_on_commit
from shop.models import CalendarDay, User
from shop.services import calendar_seed

from ...models import SpecialDay
from ...models.special_days import HolidayFirstDays, SpecialDayRule, holiday_first_days
from ..selectors import journey_enabled
from ..services import journey_run

NAME = "special_days"
KIND = "special_day"
CHANNELS = (Channel.EMAIL, Channel.SMS)
MORNING = datetime.time(10)


def calendar_holidays(*, start: datetime.date, end: datetime.date) -> HolidayFirstDays:
    """The business calendar's holidays between two days, as their first days; one query (a
    week before `start` is read too, so a bayram that began then is not taken as new)."""
    rows = CalendarDay.objects.filter(
        date__range=(start - datetime.timedelta(days=7), end)
    ).values_list("date", "name")
    return holiday_first_days(rows)


def special_days_on(*, day: datetime.date) -> list[SpecialDay]:
    """The switched-on special days falling on `day`. When a holiday rule needs a year the
    calendar has not been seeded for, it is seeded first (the calendar job seeds this and next
    year; this covers a fresh install)."""
    rows = list(SpecialDay.objects.filter(enabled=True).select_related("coupon"))
    holidays: HolidayFirstDays = {}
    if any(row.rule == SpecialDayRule.HOLIDAY for row in rows):
        if not CalendarDay.objects.filter(date__year=day.year, from_library=True).exists():
            calendar_seed(year=day.year)
        holidays = calendar_holidays(start=day.replace(month=1, day=1), end=day)
    return [row for row in rows if day in row.dates_in(day.year, holidays)]


def dedupe_key(special_day_id: int, day: datetime.date, user_id: int | str) -> str:
    return f"special-day:{special_day_id}:{day.isoformat()}:{user_id}"


def _owed(*, special_day: SpecialDay, day: datetime.date, channel: str):
    """The audience on `channel` without this occasion's message yet (one query)."""
    key = Concat(
        Value(dedupe_key(special_day.pk, day, "")),
        Cast(OuterRef("pk"), output_field=CharField()),
        output_field=CharField(),
    )
    start = datetime.datetime.combine(
        day - datetime.timedelta(days=2), datetime.time(0), datetime.UTC
    )
    queued = Message.objects.filter(
        user=OuterRef("pk"),
        category=Category.MARKETING,
        created_at__gte=start,
        channel=channel,
        dedupe_key=key,
    )
    return marketing_audience(channel=channel, kind=KIND).exclude(Exists(queued))


def special_days_sweep(*, now: datetime.datetime | None = None) -> int:
    """Queue a batch task per range of customers still owed today's greetings (the hourly
    job); returns how many greetings the batches were given. Safe to run twice."""
    if not journey_enabled(NAME):
        return 0
    now = now or timezone.now()
    today = timezone.localdate(now)
    size = settings.JOURNEY_SPECIAL_DAYS_BATCH_SIZE
    with journey_run(NAME) as tally:
        for special_day in special_days_on(day=today):
            for channel in CHANNELS:
                owed = _owed(special_day=special_day, day=today, channel=channel)
                ids = list(owed.order_by("pk").values_list("pk", flat=True))
                for chunk in batched(ids, size):
                    tally.examined += len(chunk)
                    tally.queued += len(chunk)
                    enqueue_on_commit(
                        "crm.journey_special_days_batch",
                        special_day.pk,
                        today.isoformat(),
                        channel,
                        chunk[0],
                        chunk[-1],
                    )
    return tally.queued


def special_days_batch(
    *, special_day_id: int, day: datetime.date, channel: str, first_id: int, last_id: int
) -> int:
    """Greet the audience with ids from `first_id` to `last_id` on `channel` for one special day
    (a task); returns how many messages were new. Nothing if the day was switched off since."""
    special_day = (
        SpecialDay.objects.filter(pk=special_day_id, enabled=True).select_related("coupon").first()
    )
    if special_day is None:
        return 0
    people = (
        marketing_audience(channel=channel, kind=KIND)
        .filter(pk__gte=first_id, pk__lte=last_id)
        .only("pk", "email", "phone", "first_name", "language", "time_zone")
        .order_by("pk")
    )
    coupon = special_day.coupon
    now = timezone.now()
    usable = coupon is not None and coupon.is_active and (coupon.ends_at or now) >= now
    code = coupon.code if usable else ""  # an expired coupon is left out, not sent
    outgoing = [
        Outgoing(
            to=user,
            dedupe_key=dedupe_key(special_day.pk, day, user.pk),
            context=_context(special_day, user, code),
            not_before=datetime.datetime.combine(day, MORNING, tzinfo=ZoneInfo(_zone(user))),
            subject=("specialday", special_day.pk),
        )
        for user in people
    ]
    return notification_send_many(kind=KIND, channel=channel, outgoing=outgoing)


_names: dict[str, str] = {}


def _context(special_day: SpecialDay, user: User, code: str) -> dict:
    language = user.language or settings.LANGUAGE_CODE
    if language not in _names:
        with translation.override(language):
            _names[language] = pgettext("greeting without a name", "dear customer")
    return {
        "first_name": user.first_name or _names[language],
        "occasion": special_day.name_in(language),
        "coupon": code,
        "greeting_line": special_day.greeting_in(language),
    }


def _zone(user: User) -> str:
    return user.time_zone or settings.TIME_ZONE
