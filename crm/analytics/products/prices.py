"""The effect of price changes: the product's units a day before and after each of the latest
price changes (the price history), from the rollup."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import PriceHistory
from shop.dates import days_between

from ...models import ProductSalesDaily
from ..names import translated
from ..panels import Chart, Column, PanelData, Period, Table
from ..rollups import zone

PRICE_CHANGES = 20
# Days before and after a price change whose units a day are compared.
WINDOW_DAYS = 28


def _per_day(units: int, days: int) -> Decimal | None:
    return (Decimal(units) / days).quantize(Decimal("0.01")) if days > 0 else None


def price_changes(period: Period) -> PanelData:
    """The latest price changes in the period: the product's units per day in the 28 days
    before the day of the change and in the 28 days after it (or until yesterday)."""
    earlier = PriceHistory.objects.filter(
        variant_id=OuterRef("variant_id"), starts_at__lt=OuterRef("starts_at")
    ).order_by("-starts_at", "-pk")
    since, until = days_between(period.start, period.end)
    changes = list(
        PriceHistory.objects.filter(starts_at__gte=since, starts_at__lt=until)
        .annotate(
            previous=Subquery(earlier.values("price")[:1]),
            product_name=translated("variant__product__name"),
        )
        .order_by("-starts_at", "-pk")
        .values(
            "starts_at",
            "price",
            "previous",
            "product_name",
            "variant__sku",
            "variant__product_id",
            "variant__product__created_at",
        )[:PRICE_CHANGES]
    )
    last_closed = period.today - timedelta(days=1)
    windows = []
    for change in changes:
        day = timezone.localtime(change["starts_at"], zone()).date()
        created = timezone.localtime(change["variant__product__created_at"], zone()).date()
        before = (max(day - timedelta(days=WINDOW_DAYS), created), day - timedelta(days=1))
        after = (day + timedelta(days=1), min(day + timedelta(days=WINDOW_DAYS), last_closed))
        windows.append((change["variant__product_id"], before, after))
    units = _units_in_windows(windows)
    rows = []
    for n, (change, (_product, before, after)) in enumerate(zip(changes, windows, strict=True)):
        before_days = max((before[1] - before[0]).days + 1, 0)
        after_days = max((after[1] - after[0]).days + 1, 0)
        per_day_before = _per_day(units[f"before_{n}"], before_days)
        per_day_after = _per_day(units[f"after_{n}"], after_days)
        previous = change["previous"]
        rows.append(
            {
                "day": timezone.localtime(change["starts_at"], zone()).date(),
                "product": change["product_name"],
                "sku": change["variant__sku"],
                "old_price": previous,
                "new_price": change["price"],
                "price_change": _change(change["price"], previous),
                "before": per_day_before,
                "after": per_day_after,
                "after_days": after_days,
                "units_change": _change(per_day_after, per_day_before),
            }
        )
    return PanelData(
        tables=[
            Table(
                name="changes",
                caption=_("Latest price changes"),
                columns=[
                    Column("day", _("Changed on"), "date"),
                    Column("product", _("Product")),
                    Column("sku", _("SKU")),
                    Column("old_price", _("Old price"), "money"),
                    Column("new_price", _("New price"), "money"),
                    Column("price_change", _("Price change"), "percent"),
                    Column("before", _("Units a day before"), "decimal"),
                    Column("after", _("Units a day after"), "decimal"),
                    Column("after_days", _("Days after"), "count"),
                    Column("units_change", _("Change in units a day"), "percent"),
                ],
                rows=rows,
                empty=_("No price changed in these dates."),
            )
        ],
        charts=[Chart(table="changes", x="sku", series=["before", "after"], kind="bar")],
        note=_(
            "The product's units a day (all its variants) in the 28 days before the day of the "
            "change and in the 28 days after it, or until yesterday; the day itself is left out."
        ),
    )


def _units_in_windows(windows: list[tuple[int, tuple[date, date], tuple[date, date]]]) -> dict:
    """Σ units of each (product, before days, after days) window from the rollup: one query
    (none without windows); keys `before_<n>` and `after_<n>`."""
    if not windows:
        return {}
    sums: dict[str, Coalesce] = {}
    for n, (product_id, before, after) in enumerate(windows):
        for name, (first, last) in (("before", before), ("after", after)):
            within = Q(product_id=product_id, day__gte=first, day__lte=last)
            sums[f"{name}_{n}"] = Coalesce(Sum("units", filter=within), 0)
    first = min(before[0] for _p, before, _a in windows)
    last = max(after[1] for _p, _b, after in windows)
    return ProductSalesDaily.objects.filter(
        product_id__in={product_id for product_id, _b, _a in windows},
        day__gte=first,
        day__lte=last,
    ).aggregate(**sums)


def _change(new: Decimal | None, old: Decimal | None) -> Decimal | None:
    """Per cent change from `old` to `new`, one decimal; None when it cannot be said."""
    if new is None or not old:
        return None
    return ((Decimal(new) - Decimal(old)) * 100 / Decimal(old)).quantize(Decimal("0.1"))
