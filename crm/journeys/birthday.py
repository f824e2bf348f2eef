"""The birthday journey: on a customer's birthday, in their own time zone, a greeting with a
personal birthday coupon, by email (and SMS where they consented).

An hourly sweep (`birthday_sweep`, job `journey-birthday`) finds everyone whose birthday it is
somewhere on Earth now (yesterday, today or tomorrow in UTC), keeps those whose own local date
is their birthday (29 February is kept on 28 February in a common year) and queues one
greeting per occasion, key `birthday:<user>:<year>`:

- before 10:00 local: to go out at 10:00 that day;
- from 10:00 to 20:00 local: at once;
- after 20:00 local (the sweep did not run earlier that day, or the birth date was entered in
  the evening): at 10:00 the next morning. A slightly late greeting beats none, and no one is
  greeted in the evening.

The coupon is issued only for a customer the greeting will reach (consent, and an address
that is not suppressed, on at least one channel), in the same transaction as the message rows;
everyone else still gets a `notification_send`, written as skipped ("no consent"), so the
journey's report counts them.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from crm.notifications.kinds import EditableText, MessageKind, register_kind
from crm.notifications.models import Category, Channel, ConsentCurrent, Message, Status
from crm.notifications.selectors import marketing_audience
from crm.notifications.services import notification_send
from orders.models import CouponKind
from orders.services import coupon_issue_personal
from shop.models import User

from ..models import CustomerProfile
from .registry import Journey, register_journey
from .selectors import journey_enabled
from .services import journey_run

NAME = "birthday"
KIND = "birthday"
WINDOW_OPENS = datetime.time(10)
WINDOW_CLOSES = datetime.time(20)


def register() -> None:
    register_kind(
        MessageKind(
            KIND,
            Category.MARKETING,
            (Channel.EMAIL, Channel.SMS),
            {
                "first_name": "Ayşe",
                "coupon": "DOGUMGUNU1",
                "coupon_valid_until": "14.03.2027",
                "discount": "%10",
            },
            counts_toward_cap=False,  # the customer's own occasion (docs/notifications.md)
            text=EditableText(
                subject=_("Happy birthday, {first_name}!"),
                body=_(
                    "Hello {first_name},\n\nHappy birthday! We wish you a wonderful year "
                    "ahead.\n\nWe have a small gift for you: with the code {coupon} you get "
                    "{discount} off your next order, until {coupon_valid_until}.\n\nWarm "
                    "wishes,\n{site_name}"
                ),
                sms=_(
                    "Happy birthday {first_name}! Your gift: {discount} off with the code "
                    "{coupon}, until {coupon_valid_until}. {site_name}"
                ),
                placeholders=(
                    "first_name",
                    "coupon",
                    "coupon_valid_until",
                    "discount",
                    "site_name",
                ),
            ),
        )
    )
    register_journey(
        Journey(
            name=NAME,
            title=_("Birthday"),
            description=_(
                "On the customer's birthday, between 10:00 and 20:00 in their time zone, a "
                "greeting with a personal coupon."
            ),
            kinds=(KIND,),
            job="journey-birthday",
            unreachable=birthday_unreachable,
        )
    )


# --- Reads ----------------------------------------------------------------------------------


def observed_birthday(birth_date: datetime.date, year: int) -> datetime.date:
    """The day a birthday is celebrated in `year`: 29 February falls on 28 February in a
    common year."""
    try:
        return birth_date.replace(year=year)
    except ValueError:
        return datetime.date(year, 2, 28)


def birthday_greeting_time(*, now: datetime.datetime, time_zone: str) -> datetime.datetime:
    """When a greeting found at `now` goes out (see the module's docstring for the window)."""
    zone = ZoneInfo(time_zone)
    local = now.astimezone(zone)
    if local.time() < WINDOW_OPENS:
        return datetime.datetime.combine(local.date(), WINDOW_OPENS, tzinfo=zone)
    if local.time() < WINDOW_CLOSES:
        return now
    tomorrow = local.date() + datetime.timedelta(days=1)
    return datetime.datetime.combine(tomorrow, WINDOW_OPENS, tzinfo=zone)


def birthday_occasions(*, now: datetime.datetime) -> list[tuple[User, datetime.date]]:
    """Each active customer whose birthday it is now in their own time zone, with the day
    (so its year names the occasion); one query, ordered by customer."""
    utc_today = now.astimezone(datetime.UTC).date()
    candidates = [utc_today + datetime.timedelta(days=shift) for shift in (-1, 0, 1)]
    match = Q()
    for day in candidates:
        match |= Q(birth_date__month=day.month, birth_date__day=day.day)
        if (day.month, day.day) == (2, 28) and not _is_leap(day.year):
            match |= Q(birth_date__month=2, birth_date__day=29)
    profiles = (
        CustomerProfile.objects.filter(match, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    occasions = []
    for profile in profiles:
        user = profile.user
        local_today = now.astimezone(ZoneInfo(_zone(user))).date()
        if observed_birthday(profile.birth_date, local_today.year) == local_today:
            occasions.append((user, local_today))
    return occasions


def birthday_unreachable() -> dict[str, int]:
    """Consenting active customers the journey cannot greet: no birth date; one query."""
    consenting = ConsentCurrent.objects.filter(
        user=OuterRef("pk"), channel__in=(Channel.EMAIL, Channel.SMS), granted=True
    )
    dated = CustomerProfile.objects.filter(user=OuterRef("pk"), birth_date__isnull=False)
    count = User.objects.filter(Exists(consenting), is_active=True).exclude(Exists(dated)).count()
    return {"no birth date": count}


def _reachable(user_ids: list[int]) -> set[int]:
    """Of these customers, those a birthday greeting reaches on some channel (the outbox's
    own rules); one query per channel."""
    reached: set[int] = set()
    for channel in (Channel.EMAIL, Channel.SMS):
        audience = marketing_audience(channel=channel, kind=KIND).filter(pk__in=user_ids)
        reached |= set(audience.values_list("pk", flat=True))
    return reached


def _zone(user: User) -> str:
    return user.time_zone or settings.TIME_ZONE


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _dedupe_key(user: User, occasion: datetime.date) -> str:
    return f"birthday:{user.pk}:{occasion.year}"


# --- Writes ---------------------------------------------------------------------------------


def birthday_greet(
    *, user: User, occasion: datetime.date, reachable: bool, now: datetime.datetime
) -> list[Message]:
    """Queue one customer's greeting (and, when it will reach them, issue their coupon) in one
    transaction; a second call for the same occasion returns the rows of the first."""
    key = _dedupe_key(user, occasion)
    language = user.language or settings.LANGUAGE_CODE
    context = {"first_name": _first_name(user, language)}
    with transaction.atomic():
        if reachable:
            coupon = coupon_issue_personal(
                user=user,
                kind=CouponKind.PERCENT,
                value=Decimal(settings.JOURNEY_BIRTHDAY_COUPON_PERCENT),
                valid_days=settings.JOURNEY_BIRTHDAY_COUPON_DAYS,
                reason="birthday",
                issue_key=key,
            )
            valid_until = timezone.localtime(coupon.ends_at, ZoneInfo(_zone(user))).date()
            with translation.override(language):
                context |= {
                    "coupon": coupon.code,
                    "coupon_valid_until": formats.date_format(valid_until, "SHORT_DATE_FORMAT"),
                    "discount": pgettext("percent off", "%(value)s%%")
                    % {"value": settings.JOURNEY_BIRTHDAY_COUPON_PERCENT},
                    "action_url": settings.SITE_URL,
                    "action_label": pgettext("birthday greeting button", "Choose your gift"),
                }
        return notification_send(
            to=user,
            kind=KIND,
            context=context,
            dedupe_key=key,
            not_before=birthday_greeting_time(now=now, time_zone=_zone(user)),
        )


def birthday_sweep(*, now: datetime.datetime | None = None) -> int:
    """Greet everyone whose birthday it is now (the hourly job); returns how many greetings
    were newly queued. Safe to run twice, or again after it died halfway."""
    if not journey_enabled(NAME):
        return 0
    now = now or timezone.now()
    with journey_run(NAME) as tally:
        occasions = birthday_occasions(now=now)
        tally.examined = len(occasions)
        keys = [_dedupe_key(user, occasion) for user, occasion in occasions]
        done = set(Message.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
        waiting = [(u, o) for u, o in occasions if _dedupe_key(u, o) not in done]
        reachable = _reachable([user.pk for user, _occasion in waiting])
        for user, occasion in waiting:
            rows = birthday_greet(
                user=user, occasion=occasion, reachable=user.pk in reachable, now=now
            )
            if any(row.status in (Status.QUEUED, Status.DEFERRED) for row in rows):
                tally.queued += 1
    return tally.queued


def _first_name(user: User, language: str) -> str:
    if user.first_name:
        return user.first_name
    with translation.override(language):
        return pgettext("greeting without a name", "dear customer")
