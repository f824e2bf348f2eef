"""Stock changes only with a reason and under a lock; prices keep their history."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from catalog.exceptions import OutOfStock, StockError
from catalog.models import Product, SlugRedirect, StockMovement, Variant
from catalog.selectors import lowest_price_since
from catalog.services import (
    slug_change,
    stock_adjust,
    stock_allocate,
    stock_release,
    unique_slug,
    variant_set_price,
)
from tests.factories import ProductFactory, StaffFactory, VariantFactory

pytestmark = pytest.mark.django_db


def test_stock_adjust_records_who_why_and_how_much():
    variant = VariantFactory(on_hand=10)
    staff = StaffFactory()
    stock_adjust(variant=variant, delta=5, reason="receipt", by=staff, note="delivery 42")
    variant.refresh_from_db()
    assert variant.on_hand == 15
    movement = StockMovement.objects.get(variant=variant)
    assert (movement.delta, movement.on_hand_after, movement.reason, movement.created_by) == (
        5,
        15,
        "receipt",
        staff,
    )


def test_stock_cannot_drop_below_what_orders_were_promised():
    variant = VariantFactory(on_hand=5, allocated=4)
    with translation.override("en"), pytest.raises(StockError, match="promised to orders"):
        stock_adjust(variant=variant, delta=-2, reason="damage")
    variant.refresh_from_db()
    assert variant.on_hand == 5
    assert not StockMovement.objects.exists()


def test_database_refuses_allocating_more_than_on_hand():
    variant = VariantFactory(on_hand=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Variant.objects.filter(pk=variant.pk).update(allocated=4)


def test_allocation_is_all_or_nothing_and_release_gives_back():
    a = VariantFactory(on_hand=5)
    b = VariantFactory(on_hand=1)
    with pytest.raises(OutOfStock) as refused:
        stock_allocate(lines=[(a.pk, 2), (b.pk, 2)])
    assert (refused.value.sku, refused.value.available) == (b.sku, 1)
    a.refresh_from_db()
    assert a.allocated == 0
    stock_allocate(lines=[(a.pk, 2), (b.pk, 1)])
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.available, b.available) == (3, 0)
    assert not Product.objects.get(pk=b.product_id).in_stock
    stock_release(lines=[(b.pk, 1)])
    assert Product.objects.get(pk=b.product_id).in_stock


def test_digital_products_need_no_stock():
    variant = VariantFactory(on_hand=0, product=ProductFactory(kind="digital"))
    stock_allocate(lines=[(variant.pk, 3)])
    variant.refresh_from_db()
    assert variant.allocated == 0
    assert variant.stock_hint() == "in_stock"


def test_stock_hints(settings):
    settings.CATALOG_LOW_STOCK_THRESHOLD = 5
    assert VariantFactory(on_hand=20).stock_hint() == "in_stock"
    assert VariantFactory(on_hand=5).stock_hint() == "low"
    assert VariantFactory(on_hand=2, allocated=2).stock_hint() == "out"


def test_scheduled_sale_changes_the_price_without_a_deploy():
    now = timezone.now()
    variant = VariantFactory(
        price=Decimal("200.00"),
        sale_price=Decimal("150.00"),
        sale_starts_at=now + timedelta(days=1),
        sale_ends_at=now + timedelta(days=3),
    )
    assert variant.current_price(now) == Decimal("200.00")
    assert variant.current_price(now + timedelta(days=2)) == Decimal("150.00")
    assert variant.current_price(now + timedelta(days=4)) == Decimal("200.00")


def test_lowest_price_of_the_last_30_days_comes_from_the_history():
    variant = VariantFactory(price=Decimal("120.00"))
    variant_set_price(variant=variant, price=Decimal("90.00"))
    variant_set_price(variant=variant, price=Decimal("130.00"))
    variant.refresh_from_db()
    assert lowest_price_since(variant=variant) == Decimal("90.00")


def test_turkish_slugs_are_unique_and_an_old_slug_redirects():
    product = ProductFactory(slug_tr="kirmizi-isik")
    assert unique_slug(model=Product, text="Kırmızı Işık", language="tr") == "kirmizi-isik-2"
    slug_change(obj=product, language="tr", new_slug="kirmizi-lamba")
    product.refresh_from_db()
    assert product.slug_tr == "kirmizi-lamba"
    assert SlugRedirect.objects.get(old_slug="kirmizi-isik", language="tr").product == product
