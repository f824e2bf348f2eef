"""The dashboard's predictive panels: category forecasts with their back-test, churn risk and
the overdue list, the lifetime value distribution, days of cover and the reorder list. The
arithmetic and the SQL are in `forecast`, `churn_sql` and `predict_selectors`; here they become
figures and tables (docs/analytics.md)."""

from decimal import Decimal

from django.utils.translation import gettext as _

from shop.money import format_money

from .churn_sql import shared_typical_gap_seconds
from .panels import Chart, Column, Figure, PanelData, Period, Table
from .predict_selectors import (
    category_forecasts,
    churn_summary,
    ltv_distribution,
    overdue_customers,
    stock_cover,
)

OVERDUE_ROWS = 25
COVER_ROWS = 25
BAND_LABELS = {
    "active": lambda: _("Active (risk under 1)"),
    "due": lambda: _("Due (1 to the overdue line)"),
    "overdue": lambda: _("Overdue"),
    "lapsed": lambda: _("Lapsed (twice the overdue line)"),
}


def _percent(ratio: Decimal | None) -> Decimal | None:
    return None if ratio is None else (ratio * 100).quantize(Decimal("0.1"))


def forecast_panel(period: Period) -> PanelData:
    """Next 8 weeks of revenue per category (today onwards, whatever the chosen dates), each with
    its error on the last 8 closed weeks against the plain naive model."""
    forecasts = category_forecasts(period.today)
    weeks = forecasts[0].week_starts if forecasts else []
    totals = [sum((f.revenue.weeks[n] for f in forecasts), Decimal(0)) for n in range(len(weeks))]
    week_table = Table(
        name="weeks",
        caption=_("Forecast revenue per week, all categories"),
        columns=[Column("week", _("Week from"), "date"), Column("revenue", _("Revenue"), "money")],
        rows=[{"week": week, "revenue": total} for week, total in zip(weeks, totals, strict=True)],
    )
    category_table = Table(
        name="categories",
        caption=_("Per category: the next 8 weeks and the model's error on the last 8"),
        columns=[
            Column("category", _("Category")),
            Column("next_8_weeks", _("Next 8 weeks"), "money"),
            Column("next_units", _("Units, next 8 weeks"), "decimal"),
            Column("last_8_weeks", _("Last 8 weeks, actual"), "money"),
            Column("wape", _("Error (WAPE) %"), "percent"),
            Column("bias", _("Bias %"), "percent"),
            Column("naive_wape", _("Naive model's error %"), "percent"),
        ],
        rows=[
            {
                "category": f.name,
                "next_8_weeks": sum(f.revenue.weeks, Decimal(0)),
                "next_units": sum(f.units.weeks, Decimal(0)),
                "last_8_weeks": sum(f.revenue.actual_weeks, Decimal(0)),
                "wape": _percent(f.revenue.wape),
                "bias": _percent(f.revenue.bias),
                "naive_wape": _percent(f.revenue.naive_wape),
            }
            for f in sorted(forecasts, key=lambda f: -sum(f.revenue.weeks, Decimal(0)))
        ],
    )
    return PanelData(
        figures=[Figure(_("Forecast revenue, next 8 weeks"), sum(totals, Decimal(0)), "money")],
        tables=[week_table, category_table],
        charts=[Chart(table="weeks", x="week", series=["revenue"], kind="bar")],
        note=_(
            "Seasonal naive with the week's pattern and a damped trend, fitted on closed days "
            "only; its error is measured on the last 8 closed weeks with a model fitted before "
            "they began (WAPE: Σ|actual − forecast| ÷ Σ actual). The dates chosen above do not "
            "apply."
        ),
    )


def churn_panel(period: Period) -> PanelData:
    """Customers by churn risk, the overdue list (most valuable first) and expected value."""
    typical = shared_typical_gap_seconds()
    summary = churn_summary(typical=typical)
    overdue = overdue_customers(OVERDUE_ROWS, typical=typical)
    return PanelData(
        figures=[
            Figure(_("Customers with an order"), summary.customers, "count"),
            Figure(_("Overdue"), summary.overdue, "count"),
            Figure(_("Typical gap between orders"), summary.typical_gap_days, "days"),
            Figure(
                _("Expected lifetime value"),
                summary.expected_value,
                "money",
                note=_("so far %(amount)s") % {"amount": format_money(summary.lifetime_value)},
            ),
        ],
        tables=[
            Table(
                name="bands",
                caption=_("Customers by churn risk"),
                columns=[
                    Column("band", _("Risk")),
                    Column("customers", _("Customers"), "count"),
                    Column("expected_value", _("Expected lifetime value"), "money"),
                ],
                rows=[
                    {
                        "band": BAND_LABELS[band.key](),
                        "customers": band.customers,
                        "expected_value": band.expected_value,
                    }
                    for band in summary.bands
                ],
            ),
            Table(
                name="overdue",
                caption=_("Overdue customers, most valuable first"),
                columns=[
                    Column("email", _("Email")),
                    Column("orders", _("Orders"), "count"),
                    Column("days_since", _("Days since the last order"), "days"),
                    Column("usual_gap_days", _("Usual gap (days)"), "days"),
                    Column("risk", _("Churn risk"), "decimal"),
                    Column("lifetime_value", _("Lifetime value"), "money"),
                    Column("expected_value", _("Expected lifetime value"), "money"),
                ],
                rows=[
                    {
                        "email": c.email,
                        "orders": c.orders,
                        "days_since": c.days_since,
                        "usual_gap_days": c.usual_gap_days,
                        "risk": c.risk,
                        "lifetime_value": c.lifetime_value,
                        "expected_value": c.expected_value,
                    }
                    for c in overdue
                ],
                empty=_("Nobody is overdue."),
            ),
        ],
        charts=[Chart(table="bands", x="band", series=["customers"], kind="bar")],
        note=_(
            "Churn risk = days since the last order ÷ the customer's usual gap (the shop's "
            "typical gap for one-order customers); overdue from %(risk)s. A segment's "
            "'Churn risk' condition targets the same customers for a campaign."
        )
        % {"risk": summary.overdue_risk},
    )


def ltv_panel(period: Period) -> PanelData:
    """Customers by lifetime value so far and by expected lifetime value."""
    buckets = ltv_distribution(typical=shared_typical_gap_seconds())
    rows = []
    for bucket in buckets:
        if bucket.low is None:
            label = _("below %(amount)s") % {"amount": format_money(bucket.high or 0)}
        elif bucket.high is None:
            label = _("%(amount)s or more") % {"amount": format_money(bucket.low)}
        else:
            label = f"{format_money(bucket.low)} – {format_money(bucket.high)}"
        rows.append({"bucket": label, "customers": bucket.customers, "expected": bucket.expected})
    return PanelData(
        tables=[
            Table(
                name="buckets",
                caption=_("Customers by lifetime value"),
                columns=[
                    Column("bucket", _("Lifetime value")),
                    Column("customers", _("Customers, so far"), "count"),
                    Column("expected", _("Customers, expected"), "count"),
                ],
                rows=rows,
            )
        ],
        charts=[Chart(table="buckets", x="bucket", series=["customers", "expected"], kind="bar")],
        note=_(
            "Lifetime value: accepted orders less refunds. Expected: plus the next 12 months at "
            "the customer's own pace, discounted by their churn risk."
        ),
    )


def cover_panel(period: Period) -> PanelData:
    """What runs out within its restocking lead time, soonest first."""
    rows = stock_cover(period.today, reorder_only=True, limit=COVER_ROWS)
    return PanelData(
        figures=[Figure(_("To reorder"), len(rows), "count")],
        tables=[
            Table(
                name="reorder",
                caption=_("Reorder: runs out within its lead time"),
                columns=[
                    Column("name", _("Product")),
                    Column("on_hand", _("Available"), "count"),
                    Column("daily_units", _("Units a day (28 days)"), "decimal"),
                    Column("cover_days", _("Days of cover"), "days"),
                    Column("lead_time_days", _("Lead time (days)"), "count"),
                    Column("runs_out_on", _("Runs out on"), "date"),
                ],
                rows=[
                    {
                        "name": row.name,
                        "on_hand": row.on_hand,
                        "daily_units": row.daily_units,
                        "cover_days": row.cover_days,
                        "lead_time_days": row.lead_time_days,
                        "runs_out_on": row.runs_out_on,
                    }
                    for row in rows
                ],
                empty=_("Nothing runs out within its lead time."),
            )
        ],
        note=_(
            "Days of cover = units available ÷ average daily units of the last 28 closed days; "
            "listed when that is not more than the product's lead time. The dates chosen above "
            "do not apply."
        ),
    )
