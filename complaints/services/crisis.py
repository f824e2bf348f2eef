"""Crisis detection and alerts.

`crisis_scan(now)` counts complaints (tickets) and mentions per product, category and channel
in the last COMPLAINTS_CRISIS_WINDOW_HOURS and in the same hours of each of the four weeks
before; a spike (at least COMPLAINTS_CRISIS_MIN_COUNT, and at least COMPLAINTS_CRISIS_FACTOR
times the four weeks' mean) raises one alert per dimension and key — the database keeps one
open alert per pair, so a second run (or two at once) links the new tickets to the same alert.
Managers are told of a new alert by email and SMS, once per alert and person."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catalog.models import Product
from crm.notifications.models import Channel as MessageChannel
from crm.notifications.services import Recipient, notification_send
from shop.audit import audit_record
from shop.models import User

from ..exceptions import ComplaintRefused
from ..models import (
    CrisisAlert,
    CrisisDimension,
    CrisisScenario,
    CrisisStatus,
    Mention,
    MentionClass,
    Ticket,
)
from ..models.mentions import source_channel
from ..states import Category, Channel
from .recipients import complaint_managers

WEEKS_BACK = 4
NOTE_MAX = 2000

# Mentions that count towards a spike: a wave of praise is no crisis.
COUNTED_MENTIONS = ~Q(classification=MentionClass.PRAISE)

CATEGORY_SCENARIO = {
    Category.LATE_OR_MISSING: CrisisScenario.DELIVERY_COLLAPSE,
    Category.UNREACHABLE: CrisisScenario.SOCIAL_STORM,
    Category.PAYMENT: CrisisScenario.PAYMENT_OUTAGE,
    Category.WRONG_OR_DAMAGED: CrisisScenario.PRODUCT_DEFECT,
    Category.STOCK: CrisisScenario.PRODUCT_DEFECT,
    Category.INFORMATION: CrisisScenario.MISINFORMATION,
}


@dataclass(frozen=True)
class Spike:
    dimension: str
    key: str
    count: int
    baseline: Decimal


def crisis_windows(now: datetime) -> list[tuple[datetime, datetime]]:
    """The current window first, then the same hours one, two, three and four weeks back."""
    width = timedelta(hours=settings.COMPLAINTS_CRISIS_WINDOW_HOURS)
    return [
        (now - timedelta(weeks=k) - width, now - timedelta(weeks=k)) for k in range(WEEKS_BACK + 1)
    ]


def _window_counts(field: str, windows: list[tuple[datetime, datetime]]) -> dict[str, Count]:
    return {
        f"w{k}": Count("pk", distinct=True, filter=Q(**{f"{field}__gte": s, f"{field}__lt": e}))
        for k, (s, e) in enumerate(windows)
    }


def _tickets(start: datetime, end: datetime) -> QuerySet[Ticket]:
    """Tickets opened in the period, leaving out those made from a mention (counted as one)."""
    return Ticket.objects.filter(created_at__gte=start, created_at__lt=end).exclude(
        Exists(Mention.objects.filter(ticket=OuterRef("pk")))
    )


def _mentions(start: datetime, end: datetime) -> QuerySet[Mention]:
    return Mention.objects.filter(COUNTED_MENTIONS, posted_at__gte=start, posted_at__lt=end)


def crisis_counts(now: datetime) -> dict[tuple[str, str], list[int]]:
    """(dimension, key) -> counts per window (current first); five grouped queries."""
    windows = crisis_windows(now)
    start, end = windows[-1][0], windows[0][1]
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * (WEEKS_BACK + 1))

    def add(dimension: str, rows, key_of) -> None:
        for row in rows:
            key = key_of(row)
            if key in (None, ""):
                continue
            counts = totals[(dimension, str(key))]
            for k in range(WEEKS_BACK + 1):
                counts[k] += row[f"w{k}"]

    tickets = _tickets(start, end)
    ticket_windows = _window_counts("created_at", windows)
    add(
        CrisisDimension.CATEGORY,
        tickets.values("category").annotate(**ticket_windows).order_by(),
        lambda row: row["category"],
    )
    add(
        CrisisDimension.CHANNEL,
        tickets.values("channel").annotate(**ticket_windows).order_by(),
        lambda row: row["channel"],
    )
    add(
        CrisisDimension.PRODUCT,
        tickets.filter(lines__isnull=False)
        .values("lines__order_line__product")
        .annotate(**ticket_windows)
        .order_by(),
        lambda row: row["lines__order_line__product"],
    )
    mentions = _mentions(start, end)
    mention_windows = _window_counts("posted_at", windows)
    add(
        CrisisDimension.PRODUCT,
        mentions.filter(product__isnull=False)
        .values("product")
        .annotate(**mention_windows)
        .order_by(),
        lambda row: row["product"],
    )
    by_channel: dict[str, dict] = {}
    for row in mentions.values("source").annotate(**mention_windows).order_by():
        channel = source_channel(row["source"])
        merged = by_channel.setdefault(channel, {f"w{k}": 0 for k in range(WEEKS_BACK + 1)})
        for k in range(WEEKS_BACK + 1):
            merged[f"w{k}"] += row[f"w{k}"]
    add(
        CrisisDimension.CHANNEL,
        [{"channel": c, **w} for c, w in by_channel.items()],
        lambda r: r["channel"],
    )
    return dict(totals)


def crisis_spikes(now: datetime) -> list[Spike]:
    minimum = settings.COMPLAINTS_CRISIS_MIN_COUNT
    factor = Decimal(str(settings.COMPLAINTS_CRISIS_FACTOR))
    spikes = []
    for (dimension, key), counts in sorted(crisis_counts(now).items()):
        current, previous = counts[0], counts[1:]
        baseline = (Decimal(sum(previous)) / len(previous)).quantize(Decimal("0.01"))
        if current >= minimum and current >= baseline * factor:
            spikes.append(Spike(dimension, key, current, baseline))
    return spikes


def crisis_scan(*, now: datetime) -> list[CrisisAlert]:
    """Raise an alert for each new spike and tell the managers; link what is in the window to
    the open alert of a spike already raised. Returns the alerts raised by this run."""
    windows = crisis_windows(now)
    window_start, window_end = windows[0]
    raised = []
    for spike in crisis_spikes(now):
        # A spike closed by a manager in this window stays closed until the window moves on.
        if CrisisAlert.objects.filter(
            dimension=spike.dimension,
            key=spike.key,
            status=CrisisStatus.CLOSED,
            closed_at__gte=window_start,
        ).exists():
            continue
        alert, created = crisis_alert_raise(
            dimension=spike.dimension,
            key=spike.key,
            count=spike.count,
            baseline=spike.baseline,
            window_start=window_start,
            window_end=window_end,
        )
        if created:
            raised.append(alert)
    return raised


def _label(dimension: str, key: str) -> str:
    if dimension == CrisisDimension.PRODUCT:
        product = Product.objects.filter(pk=key).only("name").first()
        return product.name if product else key
    if dimension == CrisisDimension.CATEGORY and key in Category.values:
        return str(Category(key).label)
    if dimension == CrisisDimension.CHANNEL and key in Channel.values:
        return str(Channel(key).label)
    if dimension == CrisisDimension.MANUAL and key in CrisisScenario.values:
        return str(CrisisScenario(key).label)
    return key


def _scenario(dimension: str, key: str, mention_ids: list[int]) -> str:
    """The plan an automatic alert starts with (a manager may change it)."""
    classes = list(
        Mention.objects.filter(pk__in=mention_ids).values_list("classification", flat=True)
    )
    if MentionClass.LEAK in classes:
        return CrisisScenario.DATA_LEAK
    false = {MentionClass.MISINFORMATION, MentionClass.FAKE_ACCOUNT, MentionClass.COMPETITOR_ATTACK}
    if classes and sum(c in false for c in classes) * 2 > len(classes):
        return CrisisScenario.MISINFORMATION
    if dimension == CrisisDimension.PRODUCT:
        return CrisisScenario.PRODUCT_DEFECT
    if dimension == CrisisDimension.CATEGORY:
        return CATEGORY_SCENARIO.get(key, CrisisScenario.SOCIAL_STORM)
    return CrisisScenario.SOCIAL_STORM


def _window_members(
    dimension: str, key: str, start: datetime, end: datetime
) -> tuple[list[int], list[int]]:
    """The ids of the tickets and mentions the spike is made of."""
    tickets, mentions = _tickets(start, end), _mentions(start, end)
    if dimension == CrisisDimension.CATEGORY:
        return list(tickets.filter(category=key).values_list("pk", flat=True)), []
    if dimension == CrisisDimension.CHANNEL:
        sources = [
            s for s in Mention._meta.get_field("source").choices if source_channel(s[0]) == key
        ]
        return (
            list(tickets.filter(channel=key).values_list("pk", flat=True)),
            list(mentions.filter(source__in=[s[0] for s in sources]).values_list("pk", flat=True)),
        )
    if dimension == CrisisDimension.PRODUCT:
        return (
            list(
                tickets.filter(lines__order_line__product=key)
                .values_list("pk", flat=True)
                .distinct()
            ),
            list(mentions.filter(product=key).values_list("pk", flat=True)),
        )
    return [], []


def crisis_alert_raise(
    *,
    dimension: str,
    key: str,
    window_start: datetime,
    window_end: datetime,
    count: int = 0,
    baseline: Decimal = Decimal("0"),
    scenario: str = "",
    by: User | None = None,
    mentions: list[Mention] = (),
) -> tuple[CrisisAlert, bool]:
    """The open alert of (dimension, key), made if there is none (then the managers are told
    on commit); the window's tickets and mentions are linked to it. (alert, created)."""
    ticket_ids, mention_ids = _window_members(dimension, key, window_start, window_end)
    mention_ids += [m.pk for m in mentions]
    with transaction.atomic():
        alert = _open_alert(dimension, key)
        created = False
        if alert is None:
            alert = CrisisAlert(
                dimension=dimension,
                key=key,
                label=_label(dimension, key)[:200],
                scenario=scenario or _scenario(dimension, key, mention_ids),
                count=count,
                baseline=baseline,
                window_start=window_start,
                window_end=window_end,
                raised_by=by,
            )
            try:
                with transaction.atomic():
                    alert.save(force_insert=True)
                created = True
            except IntegrityError:  # another scan raised it a moment ago
                alert = _open_alert(dimension, key)
        elif count > alert.count:
            alert.count, alert.baseline, alert.window_end = count, baseline, window_end
            alert.save(update_fields=["count", "baseline", "window_end"])
        alert.tickets.add(*ticket_ids)
        alert.mentions.add(*mention_ids)
        if created:
            if by is not None:
                audit_record(actor=by, action="crisis.flag", target=alert)
            crisis_alert_notify(alert=alert)
    return alert, created


def _open_alert(dimension: str, key: str) -> CrisisAlert | None:
    return (
        CrisisAlert.objects.select_for_update()
        .filter(dimension=dimension, key=key)
        .exclude(status=CrisisStatus.CLOSED)
        .first()
    )


def crisis_alert_notify(*, alert: CrisisAlert) -> None:
    """Tell each manager (the group, and COMPLAINTS_CRISIS_NOTIFY_EMAILS) by email and SMS,
    once per alert and person (sent on commit)."""
    told = set()
    for manager in complaint_managers():
        told.add(manager.email.lower())
        notification_send(
            to=manager,
            kind="complaint_crisis_alert",
            context=_message_context(alert, manager.language),
            channels=[MessageChannel.EMAIL, MessageChannel.SMS],
            subject=("crisis_alert", alert.pk),
            dedupe_key=f"complaint-crisis-alert:{alert.pk}:{manager.pk}",
        )
    for email in settings.COMPLAINTS_CRISIS_NOTIFY_EMAILS:
        email = email.strip().lower()
        if not email or email in told:
            continue
        told.add(email)
        notification_send(
            to=Recipient(email=email, language=settings.LANGUAGE_CODE),
            kind="complaint_crisis_alert",
            context=_message_context(alert, settings.LANGUAGE_CODE),
            channels=[MessageChannel.EMAIL],
            subject=("crisis_alert", alert.pk),
            dedupe_key=f"complaint-crisis-alert:{alert.pk}:{email}",
        )


def _message_context(alert: CrisisAlert, language: str) -> dict:
    """The message's words about the alert in the reader's language (labels are translated)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return {
            "alert_label": _label(alert.dimension, alert.key),
            "scenario": str(alert.get_scenario_display()),
            "dimension": str(alert.get_dimension_display()),
            "count": alert.count,
            "baseline": alert.baseline,
            "hours": settings.COMPLAINTS_CRISIS_WINDOW_HOURS,
            "action_url": settings.SITE_URL
            + reverse("admin:complaints_crisisalert_change", args=[alert.pk]),
        }


def crisis_alert_acknowledge(
    *, alert: CrisisAlert, by: User, scenario: str = "", note: str = ""
) -> CrisisAlert:
    """A manager has seen the alert and taken it on (optionally choosing another plan)."""
    if scenario and scenario not in CrisisScenario.values:
        raise ComplaintRefused(_("Choose a scenario."))
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ComplaintRefused(
            _("Please keep it under %(count)d characters.") % {"count": NOTE_MAX}
        )
    with transaction.atomic():
        locked = CrisisAlert.objects.select_for_update().get(pk=alert.pk)
        if locked.status == CrisisStatus.CLOSED:
            raise ComplaintRefused(_("This crisis alert is closed."))
        if locked.status == CrisisStatus.OPEN:
            locked.status = CrisisStatus.ACKNOWLEDGED
            locked.acknowledged_by, locked.acknowledged_at = by, timezone.now()
        if scenario:
            locked.scenario = scenario
        if note:
            locked.note = f"{locked.note}\n{note}".strip()
        locked.save()
        audit_record(actor=by, action="crisis.acknowledge", target=locked, reason=note)
    return locked


def crisis_alert_close(*, alert: CrisisAlert, by: User, note: str = "") -> CrisisAlert:
    """The crisis is over: the alert leaves the banner; a new spike may raise a new one once
    the window has moved past the closing."""
    note = (note or "").strip()
    if not note:
        raise ComplaintRefused(_("Say how the crisis ended."))
    if len(note) > NOTE_MAX:
        raise ComplaintRefused(
            _("Please keep it under %(count)d characters.") % {"count": NOTE_MAX}
        )
    with transaction.atomic():
        locked = CrisisAlert.objects.select_for_update().get(pk=alert.pk)
        if locked.status == CrisisStatus.CLOSED:
            raise ComplaintRefused(_("This crisis alert is closed."))
        now = timezone.now()
        if locked.acknowledged_at is None:
            locked.acknowledged_by, locked.acknowledged_at = by, now
        locked.status = CrisisStatus.CLOSED
        locked.closed_by, locked.closed_at = by, now
        locked.note = f"{locked.note}\n{note}".strip()
        locked.save()
        audit_record(actor=by, action="crisis.close", target=locked, reason=note)
    return locked
