"""`seed_catalog` makes a benchmark catalog that is rerunnable and shoppable."""

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command

from catalog.demo import seed_catalog_demo
from catalog.models import Category, Product, Variant
from orders import services
from orders.models import ShippingMethod, ShippingRate
from tests.factories import seeded_for_module
from tests.orders.helpers import place

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def catalog(django_db_setup, django_db_blocker) -> Iterator[str]:
    """`seed_catalog` on an empty database, once for this module (it seeds the 300-product demo
    catalog first, then what checkout needs), in a transaction rolled back at the module's
    end; yields what it printed. Each test's own runs roll back to it, as usual."""
    out = StringIO()
    with seeded_for_module(
        django_db_blocker, lambda: call_command("seed_catalog", products=0, stdout=out)
    ):
        yield out.getvalue()


def test_on_an_empty_database_it_seeds_the_demo_catalog_first(catalog):
    assert Product.objects.filter(status="active").count() >= 300
    assert Category.objects.filter(depth=2).exists()
    assert not Variant.objects.filter(sku__startswith="BENCH-").exists()
    assert "Added 0 and removed 0 benchmark products" in catalog


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


def test_seed_catalog_adds_the_requested_number_of_listed_products(client):
    seed_catalog_demo()  # already seeded: adds nothing
    before = Product.objects.count()
    call_command("seed_catalog", products=30)
    assert Product.objects.count() == before + 30
    assert Product.objects.filter(status="active", variants__isnull=True).count() == 0
    listed = Product.objects.filter(status="active").count()
    assert f"{listed} products" in client.get("/en/products/").text
