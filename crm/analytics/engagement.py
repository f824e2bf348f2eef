"""The campaigns panel of the complaints and campaigns section: for the campaigns that started
sending in the dates, reach, delivered, conversions, uplift with its 95 % interval, incremental
revenue and ROI (crm.campaigns.report, docs/campaigns.md). The complaint desk adds its own panel
to the section from its AppConfig.ready()."""

from decimal import Decimal

from django.db.models import Count, Sum, Window
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.dates import days_between

from ..campaigns.report import campaign_report
from ..campaigns.states import CampaignStatus
from ..models import Campaign
from .panels import Chart, Column, Figure, PanelData, Period, Table
from .rollups import zone

# The panel reports the latest campaigns only, so its queries stay bounded: one for the list
# (with the count and reach of all of them) and campaign_report's few per campaign listed.
CAMPAIGNS_LISTED = 5
STARTED = (CampaignStatus.SENDING, CampaignStatus.SENT)


def _points(value: Decimal | None) -> Decimal | None:
    """A rate difference (0.031) in percentage points (3.1)."""
    return None if value is None else (value * 100).quantize(Decimal("0.1"))


def campaigns(period: Period) -> PanelData:
    """The latest CAMPAIGNS_LISTED campaigns that started sending in the dates, each with its
    report; the count and reach of all of them."""
    since, until = days_between(period.start, period.end)
    listed = list(
        Campaign.objects.filter(status__in=STARTED, started_at__gte=since, started_at__lt=until)
        .select_related("shared_coupon")
        .annotate(all_count=Window(Count("pk")), all_reach=Window(Sum("sent_count")))
        .order_by("-started_at", "-pk")[:CAMPAIGNS_LISTED]
    )
    rows = []
    for campaign in listed:
        report = campaign_report(campaign)
        rows.append(
            {
                "campaign": campaign.name,
                "started": timezone.localtime(campaign.started_at, zone()).date(),
                "reach": report.reach,
                "delivered": report.delivered,
                "conversions": report.conversions,
                "uplift": _points(report.uplift.difference),
                "uplift_low": _points(report.uplift.low),
                "uplift_high": _points(report.uplift.high),
                "incremental": report.incremental_revenue,
                "roi": _points(report.roi),
            }
        )
    count = listed[0].all_count if listed else 0
    reach = (listed[0].all_reach or 0) if listed else 0
    return PanelData(
        figures=[
            Figure(_("Campaigns sent"), count, "count"),
            Figure(_("Reach"), reach, "count", note=_("messages sent")),
        ],
        tables=[
            Table(
                "campaigns",
                _("Latest campaigns"),
                [
                    Column("campaign", _("Campaign")),
                    Column("started", _("Sent"), "date"),
                    Column("reach", _("Reach"), "count"),
                    Column("delivered", _("Delivered"), "count"),
                    Column("conversions", _("Conversions"), "count"),
                    Column("uplift", _("Uplift (points)"), "decimal"),
                    Column("uplift_low", _("Uplift from"), "decimal"),
                    Column("uplift_high", _("Uplift to"), "decimal"),
                    Column("incremental", _("Incremental revenue"), "money"),
                    Column("roi", _("ROI"), "percent"),
                ],
                rows,
                empty=_("No campaign was sent in these dates."),
            )
        ],
        charts=[Chart(table="campaigns", x="campaign", series=["incremental"], kind="bar")],
        note=_(
            "The latest %(count)s campaigns that started sending in these dates. Uplift: the "
            "conversion rate of those sent less that of the holdout, in percentage points, with "
            "its 95%% interval; ROI: (incremental revenue − cost) ÷ cost."
        )
        % {"count": CAMPAIGNS_LISTED},
    )
