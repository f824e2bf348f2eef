"""Risk flags: recomputed set-based by a periodic job, reviewed or dismissed by staff.

Every kind is a handful of grouped queries (one row per flagged subject comes back, never one
per order); the refresh then writes only what changed. docs/risk-flags.md has the rules.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import (
    Count,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import Order, OrderEvent, Return
from orders.states import COUNTS_AS_RETURNED, CancelReason, OrderStatus
from payments.models import PaymentEvent
from payments.states import PaymentMethod
from shop.audit import audit_record
from shop.models import User
from shop.text import fold

from ..models import RiskFlag

K = RiskFlag.Kind
# Cancelled before they were ever orders: checkout failures are not the customer's doing.
CHECKOUT_FAILURES = (CancelReason.EXPIRED, CancelReason.PAYMENT_FAILED)
# Orders that reached the customer (the base of the return ratio).
DELIVERED = (OrderStatus.DELIVERED, OrderStatus.RETURN_REQUESTED, OrderStatus.RETURNED)
_ADDRESS_PARTS = ("country", "postal_code", "neighbourhood", "street")
_NOISE = (" ", ".", ",", "-", "/", ":", "'")


class RiskError(Exception):
    pass


@dataclass(frozen=True)
class Found:
    """One subject over its kind's threshold, as the refresh computed it."""

    kind: str
    subject: str
    count: int
    first_at: datetime
    last_at: datetime
    customer_id: int | None = None
    email: str = ""
    address_key: str = ""
    base: int = 0


def address_key(snapshot: dict) -> str:
    """A delivery address folded to compare: country|postal code|neighbourhood|street, Turkish
    letters to ASCII, lower case, without spaces or punctuation."""
    text = "|".join(str(snapshot.get(part) or "") for part in _ADDRESS_PARTS)
    text = fold(text)
    for noise in _NOISE:
        text = text.replace(noise, "")
    return text[:240]


def _by_customer(
    rows: QuerySet,
    *,
    kind: str,
    user: str,
    email: str,
    at: str,
    counted: str,
    minimum: int,
) -> list[Found]:
    """Group incidents by account, and by lower-case email for guests; keep those at `minimum`."""
    aggregates = {
        "n": Count(counted, distinct=True),
        "first": Min(at),
        "last": Max(at),
    }
    found = []
    accounts = (
        rows.filter(**{f"{user}__isnull": False})
        .values(user)
        .annotate(**aggregates, address=Max(f"{user}__email"))
        .filter(n__gte=minimum)
    )
    for row in accounts:
        found.append(
            Found(
                kind=kind,
                subject=f"user:{row[user]}",
                count=row["n"],
                first_at=row["first"],
                last_at=row["last"],
                customer_id=row[user],
                email=row["address"] or "",
            )
        )
    guests = (
        rows.filter(**{f"{user}__isnull": True, f"{email}__isnull": False})
        .exclude(**{email: ""})
        .annotate(guest=Lower(email))
        .values("guest")
        .annotate(**aggregates)
        .filter(n__gte=minimum)
    )
    for row in guests:
        found.append(
            Found(
                kind=kind,
                subject=f"email:{row['guest']}"[:255],
                count=row["n"],
                first_at=row["first"],
                last_at=row["last"],
                email=row["guest"],
            )
        )
    return found


def _refused_cod() -> list[Found]:
    """Cash-on-delivery orders cancelled because their parcels were refused / returned, by
    customer and by delivery address, dated by the cancellation."""
    events = OrderEvent.objects.filter(
        to_status=OrderStatus.CANCELLED,
        order__cancel_reason=CancelReason.REFUSED,
        order__payment_method=PaymentMethod.COD,
    )
    minimum = settings.RISK_REFUSED_COD_MIN
    found = _by_customer(
        events,
        kind=K.REFUSED_COD,
        user="order__user",
        email="order__email",
        at="created_at",
        counted="order",
        minimum=minimum,
    )
    # Grouped by the address as written (one row per distinct address, in the database); the
    # few rows are then folded into keys and merged (SQLite cannot nest the folding deep enough).
    parts = {
        f"a_{part}": KeyTextTransform(part, "order__shipping_address") for part in _ADDRESS_PARTS
    }
    addresses = (
        events.annotate(**parts)
        .values(*parts)
        .annotate(n=Count("order", distinct=True), first=Min("created_at"), last=Max("created_at"))
    )
    merged: dict[str, dict] = {}
    for row in addresses:
        key = address_key({part: row[f"a_{part}"] for part in _ADDRESS_PARTS})
        if not key.strip("|"):
            continue  # no address to speak of
        seen = merged.setdefault(key, {"n": 0, "first": row["first"], "last": row["last"]})
        seen["n"] += row["n"]  # an order has one address: the groups never share an order
        seen["first"] = min(seen["first"], row["first"])
        seen["last"] = max(seen["last"], row["last"])
    for key, row in merged.items():
        if row["n"] < minimum:
            continue
        found.append(
            Found(
                kind=K.REFUSED_COD,
                subject=f"address:{key}"[:255],
                count=row["n"],
                first_at=row["first"],
                last_at=row["last"],
                address_key=key,
            )
        )
    return found


def _bounced_echecks() -> list[Found]:
    return _by_customer(
        PaymentEvent.objects.filter(kind=PaymentEvent.Kind.BOUNCE),
        kind=K.BOUNCED_ECHECK,
        user="payment__user",
        email="payment__order__email",
        at="created_at",
        counted="payment",
        minimum=settings.RISK_BOUNCED_ECHECK_MIN,
    )


def _declined_cards(now: datetime) -> list[Found]:
    since = now - timedelta(days=settings.RISK_DECLINED_CARDS_DAYS)
    failures = PaymentEvent.objects.filter(
        kind=PaymentEvent.Kind.FAILURE,
        payment__method__in=(PaymentMethod.CARD, PaymentMethod.WALLET),
        created_at__gte=since,
        created_at__lte=now,
    )
    return _by_customer(
        failures,
        kind=K.DECLINED_CARDS,
        user="payment__user",
        email="payment__order__email",
        at="created_at",
        counted="pk",
        minimum=settings.RISK_DECLINED_CARDS_MIN,
    )


def _ratio(
    orders: QuerySet, *, kind: str, incident: Q, at: str, percent: int, minimum: int
) -> list[Found]:
    """Customers with at least `minimum` orders of which more than `percent` % are incidents;
    dated by the incidents' `at`."""
    aggregates = {
        "base": Count("pk"),
        "n": Count("pk", filter=incident),
        "first": Min(at, filter=incident),
        "last": Max(at, filter=incident),
    }
    over = {"base__gte": minimum, "n__gt": 0}
    share = Q(n_pct__gt=F("base") * percent)
    found = []
    accounts = (
        orders.filter(user__isnull=False)
        .values("user")
        .annotate(**aggregates, address=Max("user__email"))
        .filter(**over)
        .annotate(n_pct=F("n") * 100)
        .filter(share)
    )
    for row in accounts:
        found.append(
            Found(
                kind=kind,
                subject=f"user:{row['user']}",
                count=row["n"],
                base=row["base"],
                first_at=row["first"],
                last_at=row["last"],
                customer_id=row["user"],
                email=row["address"] or "",
            )
        )
    guests = (
        orders.filter(user__isnull=True)
        .annotate(guest=Lower("email"))
        .values("guest")
        .annotate(**aggregates)
        .filter(**over)
        .annotate(n_pct=F("n") * 100)
        .filter(share)
    )
    for row in guests:
        found.append(
            Found(
                kind=kind,
                subject=f"email:{row['guest']}"[:255],
                count=row["n"],
                base=row["base"],
                first_at=row["first"],
                last_at=row["last"],
                email=row["guest"],
            )
        )
    return found


def _cancellations() -> list[Found]:
    """Cancelled by the customer out of their orders (checkout failures and orders still
    awaiting payment are not orders yet)."""
    orders = Order.objects.exclude(status=OrderStatus.PENDING_PAYMENT).exclude(
        status=OrderStatus.CANCELLED, cancel_reason__in=CHECKOUT_FAILURES
    )
    return _ratio(
        orders,
        kind=K.CANCELLATIONS,
        incident=Q(status=OrderStatus.CANCELLED, cancel_reason=CancelReason.CUSTOMER),
        at="placed_at",
        percent=settings.RISK_CANCEL_RATIO_PERCENT,
        minimum=settings.RISK_RATIO_MIN_ORDERS,
    )


def _returns() -> list[Found]:
    """Delivered orders with a return that was not rejected (or cancelled), out of the
    customer's delivered orders; dated by the return's request."""
    first_return = (
        Return.objects.filter(order=OuterRef("pk"), status__in=COUNTS_AS_RETURNED)
        .order_by("requested_at")
        .values("requested_at")[:1]
    )
    orders = Order.objects.filter(status__in=DELIVERED).annotate(returned_at=Subquery(first_return))
    return _ratio(
        orders,
        kind=K.RETURNS,
        incident=Q(returned_at__isnull=False),
        at="returned_at",
        percent=settings.RISK_RETURN_RATIO_PERCENT,
        minimum=settings.RISK_RATIO_MIN_ORDERS,
    )


def risk_flags_compute(*, now: datetime | None = None) -> list[Found]:
    """Every subject over a threshold now, each kind from its own grouped queries."""
    now = now or timezone.now()
    return [
        *_refused_cod(),
        *_bounced_echecks(),
        *_declined_cards(now),
        *_cancellations(),
        *_returns(),
    ]


_COPIED = ("count", "base", "first_at", "last_at", "customer_id", "email", "address_key")


def risk_flags_refresh(*, now: datetime | None = None) -> int:
    """Bring the flags table up to date; returns how many rows were written. Safe to run twice.

    New subjects get a flag; a flag still over its threshold takes the new figures (a dismissed
    one reopens only when an incident is newer than the latest when it was dismissed); a flag
    no longer over its threshold goes inactive, keeping its review.
    """
    now = now or timezone.now()
    found = {(f.kind, f.subject): f for f in risk_flags_compute(now=now)}
    with transaction.atomic():
        subjects = {subject for _kind, subject in found}
        existing = {
            (flag.kind, flag.subject): flag
            for flag in RiskFlag.objects.select_for_update().filter(
                Q(active=True) | Q(subject__in=subjects)
            )
        }
        created, changed = [], []
        for key, item in found.items():
            flag = existing.get(key)
            if flag is None:
                created.append(
                    RiskFlag(
                        kind=item.kind,
                        subject=item.subject,
                        **{name: getattr(item, name) for name in _COPIED},
                        refreshed_at=now,
                    )
                )
                continue
            dirty = not flag.active
            flag.active = True
            for name in _COPIED:
                if getattr(flag, name) != getattr(item, name):
                    setattr(flag, name, getattr(item, name))
                    dirty = True
            if (
                flag.review == RiskFlag.Review.DISMISSED
                and flag.reviewed_last_at is not None
                and flag.last_at > flag.reviewed_last_at
            ):
                flag.review = RiskFlag.Review.OPEN  # something new happened since
                dirty = True
            if dirty:
                flag.refreshed_at = now
                changed.append(flag)
        gone = [flag.pk for key, flag in existing.items() if key not in found and flag.active]
        RiskFlag.objects.bulk_create(created)
        RiskFlag.objects.bulk_update(changed, ["active", "review", "refreshed_at", *_COPIED])
        RiskFlag.objects.filter(pk__in=gone).update(active=False, refreshed_at=now)
    return len(created) + len(changed) + len(gone)


def _decide(*, flag: RiskFlag, review: str, by: User, note: str, action: str) -> RiskFlag:
    with transaction.atomic():
        locked = RiskFlag.objects.select_for_update().get(pk=flag.pk)
        locked.review = review
        locked.reviewed_by = by
        locked.reviewed_at = timezone.now()
        locked.review_note = note.strip()[:255]
        locked.reviewed_last_at = locked.last_at
        locked.save(
            update_fields=[
                "review",
                "reviewed_by",
                "reviewed_at",
                "review_note",
                "reviewed_last_at",
            ]
        )
        audit_record(
            actor=by,
            action=action,
            target=locked,
            reason=locked.review_note,
            details={"kind": locked.kind, "subject": locked.subject, "count": locked.count},
        )
    return locked


def risk_flag_dismiss(*, flag: RiskFlag, by: User, note: str) -> RiskFlag:
    """Staff decide the flag is no risk (why is required): it stops counting (cash on delivery
    is offered again) until an incident newer than its latest one."""
    if not note.strip():
        raise RiskError(_("Say why the flag is dismissed."))
    return _decide(
        flag=flag, review=RiskFlag.Review.DISMISSED, by=by, note=note, action="risk_flag.dismiss"
    )


def risk_flag_mark_reviewed(*, flag: RiskFlag, by: User, note: str = "") -> RiskFlag:
    """Staff looked and agree it is a risk: the flag stays live, marked as seen."""
    return _decide(
        flag=flag, review=RiskFlag.Review.REVIEWED, by=by, note=note, action="risk_flag.review"
    )
