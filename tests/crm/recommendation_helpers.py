"""Hand-built order sets for the recommendation tests: orders and lines written directly
(the recommender reads only which products went together in accepted orders)."""

from decimal import Decimal

from catalog.models import Product
from orders.models import OrderLine
from tests.factories import OrderFactory, UserFactory, listed_product, make_category


def products(count: int, *, category=None, **fields) -> list[Product]:
    category = category or make_category("Mutfak")
    return [listed_product(category=category, **fields) for _ in range(count)]


def order(*items: Product, user=None, status: str = "confirmed", placed_at=None):
    """An order of one unit of each product, in `status` (confirmed: accepted, not paid yet)."""
    extra = {"placed_at": placed_at} if placed_at else {}
    placed = OrderFactory(user=user or UserFactory(), status=status, **extra)
    OrderLine.objects.bulk_create(
        OrderLine(
            order=placed,
            product=product,
            variant=product.variants.first(),
            product_name=product.name_tr,
            sku=product.variants.first().sku,
            quantity=1,
            unit_price=Decimal("100.00"),
            vat_rate=Decimal("0.20"),
            gross=Decimal("100.00"),
            total=Decimal("100.00"),
            vat=Decimal("16.67"),
        )
        for product in items
    )
    return placed
