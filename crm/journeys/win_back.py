"""Win-back: a customer who has ordered at least twice and has now been away longer than their
own usual gap (twice the median gap between their orders, at least `JOURNEY_WINBACK_MIN_DAYS`)
gets one "we miss you" message per quarter, with a personal coupon when
`JOURNEY_WINBACK_COUPON_PERCENT` is set.

An order counts as the customer figures count it (`crm.customer360.stats`): accepted, so not
pending payment and not cancelled. The per-customer figures narrow the candidates in one query
(two orders or more, the last one at least the minimum gap ago), one more query reads their
order dates, and the medians are taken in Python for that narrowed set. Dedupe key
`win-back:<user>:<year>-Q<n>` (the quarter in the shop's time zone); the coupon's issue key is
the same, so a rerun finds the coupon it made.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from statistics import median

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.models import CustomerStats
from crm.notifications.kinds import EditableText, MessageKind, register_kind
from crm.notifications.models import Category, Channel, ConsentCurrent, Message, Status
from crm.notifications.selectors import marketing_audience
from crm.notifications.services import notification_send
from orders.models import CouponKind, Order
from orders.services import coupon_issue_personal
from shop.models import User

from ..customer360.stats import NOT_COUNTED
from .registry import Journey, register_journey
from .selectors import journey_enabled
from .services import RunTally, journey_run

JOURNEY = "win_back"
KIND = "win_back"


def quarter_of(now: datetime) -> str:
    """'2027-Q2': the quarter of `now` in the shop's time zone."""
    day = timezone.localdate(now)
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def dedupe_key(*, user_id: int, quarter: str) -> str:
    return f"win-back:{user_id}:{quarter}"


# --- Who has gone quiet -------------------------------------------------------------------------


@dataclass(frozen=True)
class Lapsed:
    user_id: int
    last_order_at: datetime
    usual_gap: timedelta  # twice the median gap, at least the minimum


def usual_gap(dates: list[datetime]) -> timedelta:
    """Twice the median gap between consecutive orders (sorted dates), at least the minimum."""
    gaps = [(later - earlier).total_seconds() for earlier, later in pairwise(dates)]
    floor = timedelta(days=settings.JOURNEY_WINBACK_MIN_DAYS)
    return max(timedelta(seconds=2 * median(gaps)), floor)


def lapsed_customers(*, now: datetime) -> list[Lapsed]:
    """Active customers with two counted orders or more whose time since the last one exceeds
    their usual gap; two queries whatever their number (the figures, then their order dates)."""
    narrowed = CustomerStats.objects.filter(
        orders_count__gte=2,
        last_order_at__lte=now - timedelta(days=settings.JOURNEY_WINBACK_MIN_DAYS),
        user__is_active=True,
    ).values("user_id")
    dates: dict[int, list[datetime]] = defaultdict(list)
    rows = (
        Order.objects.filter(user_id__in=narrowed)
        .exclude(status__in=NOT_COUNTED)
        .order_by("user_id", "placed_at")
        .values_list("user_id", "placed_at")
    )
    for user_id, placed_at in rows.iterator(chunk_size=2000):
        dates[user_id].append(placed_at)
    lapsed = []
    for user_id, placed in dates.items():
        if len(placed) < 2:  # the figures were behind the orders (a cancellation since)
            continue
        gap = usual_gap(placed)
        if now - placed[-1] > gap:
            lapsed.append(Lapsed(user_id=user_id, last_order_at=placed[-1], usual_gap=gap))
    return lapsed


# --- The message --------------------------------------------------------------------------------


def shop_url(*, language: str) -> str:
    with translation.override(language):
        return f"{settings.SITE_URL}{reverse('catalog:home')}"


def _coupon_context(*, user: User, key: str, language: str) -> dict:
    """The customer's personal win-back coupon for the quarter (made once per key)."""
    percent = settings.JOURNEY_WINBACK_COUPON_PERCENT
    if not percent:
        return {}
    coupon = coupon_issue_personal(
        user=user,
        kind=CouponKind.PERCENT,
        value=Decimal(percent),
        valid_days=settings.JOURNEY_WINBACK_COUPON_DAYS,
        reason=f"win-back {key.rsplit(':', 1)[-1]}",
        issue_key=key,
    )
    with translation.override(language):
        valid_until = formats.date_format(timezone.localtime(coupon.ends_at), "DATE_FORMAT")
    return {
        "coupon": coupon.code,
        "discount": f"%{percent}" if language == "tr" else f"{percent}%",
        "valid_until": valid_until,
    }


def win_back_send(
    *, user: User, quarter: str, reachable: bool, channels: tuple[str, ...] = ()
) -> bool:
    """Queue the quarter's message to `user` on `channels` (default: the kind's), with a coupon
    only if a channel may reach them (no code is made for a message that will be suppressed);
    True when one is on its way."""
    key = dedupe_key(user_id=user.pk, quarter=quarter)
    language = user.language or settings.LANGUAGE_CODE
    with transaction.atomic():
        context = _coupon_context(user=user, key=key, language=language) if reachable else {}
        with translation.override(language):
            context |= {
                "action_url": shop_url(language=language),
                "action_label": _("Visit the shop"),
            }
        rows = notification_send(
            to=user, kind=KIND, context=context, channels=channels or None, dedupe_key=key
        )
    return any(row.status in (Status.QUEUED, Status.DEFERRED) for row in rows)


def win_back_sweep(*, now: datetime | None = None) -> RunTally | None:
    """The periodic job: one message per lapsed customer per quarter; safe to run twice or
    after a worker died mid-run (a key already queued is skipped). None when switched off."""
    if not journey_enabled(JOURNEY):
        return None
    now = now or timezone.now()
    quarter = quarter_of(now)
    with journey_run(JOURNEY) as tally:
        lapsed = {item.user_id: item for item in lapsed_customers(now=now)}
        keys = {dedupe_key(user_id=pk, quarter=quarter): pk for pk in lapsed}
        done = set(
            Message.objects.filter(dedupe_key__in=list(keys)).values_list("dedupe_key", flat=True)
        )
        due = [pk for key, pk in keys.items() if key not in done]
        reachable: set[int] = set()
        for channel in get_channels():
            reachable |= set(
                marketing_audience(channel=channel, kind=KIND, now=now)
                .filter(pk__in=due)
                .values_list("pk", flat=True)
            )
        consented = _consented_channels(due)
        for user in User.objects.filter(pk__in=due).order_by("pk"):
            tally.examined += 1
            # The channels they said yes to; with none, email alone, so the skip ("no consent")
            # is counted once per person, not once per channel.
            channels = consented.get(user.pk) or (Channel.EMAIL,)
            if win_back_send(
                user=user, quarter=quarter, reachable=user.pk in reachable, channels=channels
            ):
                tally.queued += 1
    return tally


def _consented_channels(user_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Each customer's channels of the kind with a current "yes"; one query."""
    found: dict[int, list[str]] = defaultdict(list)
    rows = ConsentCurrent.objects.filter(
        user_id__in=user_ids, granted=True, channel__in=get_channels()
    ).values_list("user_id", "channel")
    for user_id, channel in rows.order_by("user_id", "channel"):
        found[user_id].append(channel)
    return {user_id: tuple(channels) for user_id, channels in found.items()}


def get_channels() -> tuple[str, ...]:
    return (Channel.EMAIL, Channel.SMS)


# --- Staff figures ------------------------------------------------------------------------------


def unreachable_repeat_customers() -> dict[str, int]:
    """Customers with two orders or more who consent to no marketing channel; one query."""
    consenting = ConsentCurrent.objects.filter(user=OuterRef("user_id"), granted=True)
    count = (
        CustomerStats.objects.filter(orders_count__gte=2, user__is_active=True)
        .exclude(Exists(consenting))
        .count()
    )
    return {"no consent": count}


# --- Registration -------------------------------------------------------------------------------


def register() -> None:
    register_kind(
        MessageKind(
            KIND,
            Category.MARKETING,
            get_channels(),
            sample_context={
                "first_name": "Ayşe",
                "coupon": "GERI-7K2M",
                "discount": "%10",
                "valid_until": "30 Haziran 2027",
                "action_url": "https://dukkan.example/",
            },
            text=EditableText(
                subject=gettext_lazy("We miss you, {first_name}"),
                body=gettext_lazy(
                    "Hello {first_name},\n\n"
                    "It has been a while since your last order at {site_name}, and we miss "
                    "you. Much is new in the shop since then: come and have a look."
                ),
                sms=gettext_lazy(
                    "{site_name}: we miss you, {first_name}! Come and see what is new."
                ),
                placeholders=("first_name", "site_name", "coupon", "discount", "valid_until"),
            ),
        )
    )
    register_journey(
        Journey(
            name=JOURNEY,
            title=gettext_lazy("Win-back"),
            description=gettext_lazy(
                "Once a quarter, a “we miss you” message (with a personal coupon if set) to a "
                "customer of two orders or more who has been away twice their usual gap between "
                "orders, and at least two months."
            ),
            kinds=(KIND,),
            job="journey-win-back",
            unreachable=unreachable_repeat_customers,
        )
    )
