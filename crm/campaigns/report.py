"""What a campaign did (docs/campaigns.md has the formulas): reach, delivered, clicks,
attributed conversions and their net revenue, and the measured effect against the holdout —
uplift with a 95 % interval, incremental revenue and ROI. A fixed number of queries, whatever
the audience size; money from the payments ledger, rates in Decimal."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from crm.notifications.models import Message, Status
from orders.models import Coupon, Order
from payments.models import PaymentEvent
from shop.money import ZERO, to_money

from ..customer360.stats import NOT_COUNTED
from ..models import Campaign, CampaignRecipient
from .states import CouponMode, RecipientGroup

Z_95 = Decimal("1.96")
# Below these, the normal approximation of the interval is not to be trusted.
MIN_GROUP = 30
MIN_EVENTS = 5
TAKEN_BACK = (
    PaymentEvent.Kind.REFUND,
    PaymentEvent.Kind.REFUND_OFF_TAB,
    PaymentEvent.Kind.RETURN,
    PaymentEvent.Kind.CORRECTION,
)


@dataclass(frozen=True)
class GroupFigures:
    members: int
    converted: int
    revenue: Decimal

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.converted) / self.members if self.members else None

    @property
    def revenue_per_member(self) -> Decimal | None:
        return self.revenue / self.members if self.members else None


@dataclass(frozen=True)
class Uplift:
    difference: Decimal | None  # sent rate - holdout rate
    low: Decimal | None
    high: Decimal | None
    too_small: bool


@dataclass(frozen=True)
class CampaignReport:
    reach: int
    delivered: int
    clicked: int
    clicks: int
    conversions: int
    revenue: Decimal
    sent: GroupFigures
    holdout: GroupFigures
    uplift: Uplift
    incremental_revenue: Decimal | None
    cost: Decimal
    roi: Decimal | None


def uplift_interval(sent: GroupFigures, holdout: GroupFigures, *, z: Decimal = Z_95) -> Uplift:
    """p1 - p2 ± z·√(p1(1-p1)/n1 + p2(1-p2)/n2); `too_small` when either group is under
    MIN_GROUP or has fewer than MIN_EVENTS conversions or non-conversions."""
    n1, n2 = sent.members, holdout.members
    if not n1 or not n2:
        return Uplift(None, None, None, True)
    p1, p2 = sent.rate, holdout.rate
    difference = p1 - p2
    error = (p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2).sqrt()
    too_small = (
        min(n1, n2) < MIN_GROUP
        or min(sent.converted, n1 - sent.converted, holdout.converted, n2 - holdout.converted)
        < MIN_EVENTS
    )
    return Uplift(difference, difference - z * error, difference + z * error, too_small)


def incremental_revenue(sent: GroupFigures, holdout: GroupFigures) -> Decimal | None:
    """(revenue per sent member - revenue per held-out member) × sent members."""
    if not sent.members or not holdout.members:
        return None
    return to_money((sent.revenue_per_member - holdout.revenue_per_member) * sent.members)


def roi(incremental: Decimal | None, cost: Decimal) -> Decimal | None:
    """(incremental revenue - cost) ÷ cost, None without a cost or an incremental figure."""
    if incremental is None or not cost:
        return None
    return ((incremental - cost) / cost).quantize(Decimal("0.01"))


def net_revenue(orders: QuerySet[Order]) -> Decimal:
    """Captured minus given back (refunds, bank returns, corrections) on the orders' payments."""
    totals = PaymentEvent.objects.filter(payment__order__in=orders.values("pk")).aggregate(
        captured=Sum("amount", filter=Q(kind=PaymentEvent.Kind.CAPTURE)),
        taken_back=Sum("amount", filter=Q(kind__in=TAKEN_BACK)),
    )
    return to_money((totals["captured"] or ZERO) - (totals["taken_back"] or ZERO))


def _window(campaign: Campaign) -> tuple:
    start = campaign.started_at or timezone.now()
    return start, start + timedelta(days=campaign.window_days)


def counted_orders() -> QuerySet[Order]:
    return Order.objects.exclude(status__in=NOT_COUNTED)


def converted_orders(campaign: Campaign) -> QuerySet[Order]:
    """Accepted orders the campaign brought: placed within the window after a click on its link
    (the session carried it to `source_ref`), or paid with its coupon (a personal one it
    issued, or the shared code during the window)."""
    start, end = _window(campaign)
    window = timedelta(days=campaign.window_days)
    clicked = CampaignRecipient.objects.filter(
        campaign=campaign,
        user=OuterRef("user"),
        first_clicked_at__lte=OuterRef("placed_at"),
        first_clicked_at__gte=OuterRef("placed_at") - window,
    )
    by_click = Q(source_ref=campaign.source_ref, placed_at__gte=start) & (
        Q(Exists(clicked)) | Q(user__isnull=True, placed_at__lte=end)
    )
    by_coupon = Q()
    if campaign.coupon_mode == CouponMode.PERSONAL:
        issued = Coupon.objects.filter(issue_key__startswith=f"campaign:{campaign.pk}:")
        by_coupon = Q(coupon_code__in=issued.values("code"))
    elif campaign.coupon_mode == CouponMode.SHARED and campaign.shared_coupon_id:
        by_coupon = Q(
            coupon_code=campaign.shared_coupon.code, placed_at__gte=start, placed_at__lte=end
        )
    return (
        counted_orders().filter(by_click | by_coupon)
        if by_coupon
        else counted_orders().filter(by_click)
    )


def _group_orders(campaign: Campaign, group: str) -> QuerySet[Order]:
    start, end = _window(campaign)
    members = CampaignRecipient.objects.filter(campaign=campaign, group=group).values("user_id")
    return counted_orders().filter(user_id__in=members, placed_at__gte=start, placed_at__lte=end)


def campaign_groups(campaign: Campaign) -> tuple[GroupFigures, GroupFigures]:
    """Both groups measured alike: a member converted when they placed an accepted order within
    the window after the send started; revenue is those orders' net ledger sum."""
    start, end = _window(campaign)
    ordered = counted_orders().filter(
        user=OuterRef("user_id"), placed_at__gte=start, placed_at__lte=end
    )
    rows = (
        CampaignRecipient.objects.filter(campaign=campaign)
        .values("group")
        .annotate(members=Count("pk"), converted=Count("pk", filter=Q(Exists(ordered))))
        .order_by()
    )
    counts = {row["group"]: row for row in rows}
    figures = []
    for group in (RecipientGroup.SENT, RecipientGroup.HOLDOUT):
        row = counts.get(group, {"members": 0, "converted": 0})
        revenue = net_revenue(_group_orders(campaign, group)) if row["converted"] else ZERO
        figures.append(GroupFigures(row["members"], row["converted"], revenue))
    return figures[0], figures[1]


def campaign_report(campaign: Campaign) -> CampaignReport:
    delivered = Message.objects.filter(
        subject_type="campaign",
        subject_id=str(campaign.pk),
        status__in=[Status.SENT, Status.DELIVERED],
    ).count()
    clicks = campaign.recipients.aggregate(
        clicked=Count("pk", filter=Q(first_clicked_at__isnull=False)), clicks=Sum("click_count")
    )
    converted = converted_orders(campaign)
    conversions = converted.count()
    revenue = net_revenue(converted) if conversions else ZERO
    sent, holdout = campaign_groups(campaign)
    incremental = incremental_revenue(sent, holdout)
    return CampaignReport(
        reach=campaign.sent_count,
        delivered=delivered,
        clicked=clicks["clicked"] or 0,
        clicks=clicks["clicks"] or 0,
        conversions=conversions,
        revenue=revenue,
        sent=sent,
        holdout=holdout,
        uplift=uplift_interval(sent, holdout),
        incremental_revenue=incremental,
        cost=campaign.cost,
        roi=roi(incremental, campaign.cost),
    )
