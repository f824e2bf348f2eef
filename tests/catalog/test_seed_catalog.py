"""`seed_catalog` makes a benchmark catalog that is rerunnable and shoppable."""

import pytest
from django.core.management import call_command

from catalog.models import Product, Variant
from orders import services
from orders.models import ShippingMethod, ShippingRate
from tests.orders.helpers import place

pytestmark = pytest.mark.django_db


def _bench() -> dict[str, tuple]:
    rows = Variant.objects.filter(sku__startswith="BENCH-").values_list(
        "sku", "price", "on_hand", "product__name_en", "product__category_id"
    )
    return {sku: rest for sku, *rest in rows}


def test_a_rerun_leaves_the_same_catalog_and_flush_rebuilds_it(capsys):
    call_command("seed_catalog", products=30)
    first = _bench()
    products = Product.objects.count()
    assert len(first) == 30

    call_command("seed_catalog", products=30)
    assert _bench() == first
    assert Product.objects.count() == products

    call_command("seed_catalog", products=20)
    assert set(_bench()) == {f"BENCH-{n}" for n in range(20)}

    call_command("seed_catalog", products=30, flush=True)
    assert _bench() == first
    assert Product.objects.count() == products


def test_the_benchmark_catalog_has_what_checkout_needs():
    call_command("seed_catalog", products=5)
    assert ShippingMethod.objects.filter(is_active=True).exists()
    assert ShippingRate.objects.exists()
    variant = Variant.objects.filter(sku__startswith="BENCH-", on_hand__gt=0).first()
    cart = services.cart_for_user(user=None)
    services.cart_add(cart=cart, variant_id=variant.pk, quantity=1)
    order = place(cart)
    assert order.shipping_method
