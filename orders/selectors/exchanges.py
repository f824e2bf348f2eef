"""Reads for exchanges: what each returnable item may be exchanged for."""

from dataclasses import dataclass
from decimal import Decimal

from catalog.models import ProductStatus, Variant

from ..legal import variant_label
from ..models import Order, OrderLine, Return
from ..states import OrderSource


@dataclass(frozen=True)
class ExchangeChoice:
    variant_id: int
    label: str
    price: Decimal
    difference: Decimal  # new price − the price paid per unit: positive owed, negative refunded
    in_stock: bool  # shown either way: the customer sees the size exists but cannot have it now


@dataclass(frozen=True)
class ExchangeOffer:
    line: OrderLine
    left: int
    choices: list[ExchangeChoice]


def exchange_offers(*, returnable: list) -> list[ExchangeOffer]:
    """Per returnable physical line (OrderPage.returnable), the other variants of its product,
    with their price, the difference to what was paid and whether in stock now (one query)."""
    lines = [item for item in returnable if not item.line.is_digital]
    if not lines:
        return []
    product_ids = {item.line.product_id for item in lines}
    variants = (
        Variant.objects.filter(product_id__in=product_ids, product__status=ProductStatus.ACTIVE)
        .select_related("product")
        .order_by("product_id", "position", "pk")
    )
    by_product: dict[int, list[Variant]] = {}
    for variant in variants:
        if variant.product.is_digital:
            continue
        by_product.setdefault(variant.product_id, []).append(variant)
    offers = []
    for item in lines:
        choices = [
            ExchangeChoice(
                variant_id=variant.pk,
                label=variant_label(variant) or variant.sku,
                price=variant.current_price(),
                difference=variant.current_price() - item.line.unit_price,
                in_stock=variant.available > 0,
            )
            for variant in by_product.get(item.line.product_id, [])
            if variant.pk != item.line.variant_id
        ]
        if choices:
            offers.append(ExchangeOffer(line=item.line, left=item.left, choices=choices))
    return offers


def exchange_held_for(*, order: Order) -> str:
    """The return code an exchange's replacement waits for before it may be prepared; "" when
    it is not held (not an exchange, or released: the return arrived, a trusted customer)."""
    if order.source != OrderSource.EXCHANGE:
        return ""
    return (
        Return.objects.filter(replacement=order, replacement_released_at__isnull=True)
        .values_list("number", flat=True)
        .first()
        or ""
    )
