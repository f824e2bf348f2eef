"""What the product panels share: list sizes, today's live rows, percentages."""

from decimal import Decimal

from ...models import ProductSalesDaily
from ..panels import Period
from ..rollups import product_rows

# Rows in each top and bottom list.
TOP = 10


def today_rows(period: Period) -> list[ProductSalesDaily]:
    """Today's rows, computed live by the refresh's own grouping, when the period holds today."""
    return product_rows(period.today, period.today) if period.includes_today else []


def percent(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """part ÷ whole × 100 to one decimal; None without a whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))
