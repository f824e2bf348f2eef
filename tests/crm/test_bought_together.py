""" "Customers who bought this also bought": the refresh job on hand-built orders, the fallback
to the category's best sellers, the product and cart pages, and the page cache's bump."""

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import Product, Variant
from catalog.recommendations import bought_together
from crm.models import BoughtTogether
from crm.recommendations.services import bought_together_refresh
from crm.recommendations.tasks import recommendations_refresh
from tests.crm.recommendation_helpers import order, products
from tests.factories import make_category

pytestmark = pytest.mark.django_db


def _names(found: list[Product]) -> list[str]:
    return [product.name_en for product in found]


def _block(page: str) -> str:
    """The "also bought" section of a page."""
    return page.split('id="bought-together-heading"')[1].split("</section>")[0]


@pytest.fixture
def basket_set():
    """A is bought with B three times, with C once and with the very popular P twice; with D
    (sold out) three times; with E only in orders never accepted (awaiting payment, cancelled)."""
    a, b, c, d, e, p = products(6)
    for name, product in zip("ABCDEP", (a, b, c, d, e, p), strict=True):
        Product.objects.filter(pk=product.pk).update(name_en=name)
    for _ in range(3):
        order(a, b)
        order(a, d)
    order(a, c)
    order(a, p)
    order(a, p)
    for _ in range(20):
        order(p)
    for _ in range(4):
        order(a, e, status="pending_payment")
        order(a, e, status="cancelled")
    Variant.objects.filter(product=d).update(on_hand=0)
    Product.objects.filter(pk=d.pk).update(in_stock=False)
    return {
        name: Product.objects.get(pk=product.pk)
        for name, product in zip("ABCDEP", (a, b, c, d, e, p), strict=True)
    }


def test_co_occurrence_ranks_what_goes_with_a_product_over_what_merely_sells(basket_set):
    bought_together_refresh()
    a = basket_set["A"]
    # P shares more orders with A than C does, but P is in 22 orders and C in one: the cosine
    # (orders together ÷ √(orders with each)) puts C first. D (sold out) is kept but never shown;
    # E was only in orders that were never accepted.
    stored = list(
        BoughtTogether.objects.filter(product=a)
        .order_by("position")
        .values_list("other__name_en", "orders_together")
    )
    assert stored == [("B", 3), ("D", 3), ("C", 1), ("P", 2)]
    assert _names(bought_together(product_ids=[a.pk])) == ["B", "C", "P"]
    assert "E" not in _names(bought_together(product_ids=[a.pk], limit=10))


def test_a_second_run_changes_nothing(basket_set):
    first = bought_together_refresh()
    assert first.rewritten and first.pages
    rows = list(BoughtTogether.objects.order_by("pk").values())
    again = bought_together_refresh()
    assert (again.rewritten, again.pages) == (0, 0)
    assert list(BoughtTogether.objects.order_by("pk").values()) == rows
    assert recommendations_refresh() == 0  # the periodic task, as beat runs it


def test_a_product_without_pairs_falls_back_to_its_categorys_best_sellers():
    lamps = make_category("Lambalar")
    lonely, best, second, sold_out, _unsold = products(5, category=lamps)
    other_category = products(1)[0]
    for product, units in ((best, 90), (second, 40), (sold_out, 200), (other_category, 500)):
        Product.objects.filter(pk=product.pk).update(units_sold=units)
    Product.objects.filter(pk=sold_out.pk).update(in_stock=False)
    Product.objects.filter(pk=best.pk).update(name_en="Best")
    Product.objects.filter(pk=second.pk).update(name_en="Second")
    bought_together_refresh()
    assert _names(bought_together(product_ids=[lonely.pk])) == ["Best", "Second"]


def test_pairs_come_first_and_the_fallback_fills_the_rest():
    lamps = make_category("Lambalar")
    a, b, seller = products(3, category=lamps)
    Product.objects.filter(pk=seller.pk).update(units_sold=50, name_en="Seller")
    Product.objects.filter(pk=b.pk).update(name_en="B")
    order(a, b)
    bought_together_refresh()
    assert _names(bought_together(product_ids=[a.pk])) == ["B", "Seller"]


def test_the_product_and_cart_pages_show_the_list(basket_set, client):
    bought_together_refresh()
    a = basket_set["A"]
    page = client.get(f"/en/p/{a.slug_en}/").text
    assert "Customers who bought this also bought" in page
    block = _block(page)
    assert block.index(basket_set["B"].slug_en) < block.index(basket_set["C"].slug_en)
    assert basket_set["D"].slug_en not in block
    client.post(reverse("orders:cart_add"), {"variant": a.variants.get().pk, "quantity": 1})
    cart = client.get("/en/cart/").text
    assert "Customers who bought this also bought" in cart
    assert f"/en/p/{basket_set['B'].slug_en}/" in cart


@pytest.mark.pagecache
def test_the_job_refreshes_the_cached_product_page_only_when_its_list_changed(basket_set):
    a, c = basket_set["A"], basket_set["C"]
    url = f"/en/p/{a.slug_en}/"
    bought_together_refresh()
    assert Client().get(url)["X-Page-Cache"] == "miss"
    cached = Client().get(url)
    assert cached["X-Page-Cache"] == "hit"
    assert "bought-together-heading" in cached.text
    bought_together_refresh()  # nothing changed: the page stays cached
    assert Client().get(url)["X-Page-Cache"] == "hit"
    for _ in range(5):
        order(a, c)  # C now goes with A more than anything else
    bought_together_refresh()
    fresh = Client().get(url)
    assert fresh["X-Page-Cache"] == "miss"
    block = _block(fresh.text)
    assert block.index(c.slug_en) < block.index(basket_set["B"].slug_en)


def test_a_block_is_one_query_then_kept_until_a_list_changes(basket_set, django_assert_num_queries):
    a, c = basket_set["A"], basket_set["C"]
    bought_together_refresh()
    with django_assert_num_queries(1):
        first = bought_together(product_ids=[a.pk, c.pk])
    with django_assert_num_queries(0):  # the cart page asks again: kept by this worker
        assert bought_together(product_ids=[c.pk, a.pk]) == first
    for _ in range(5):
        order(c, basket_set["P"])
    bought_together_refresh()
    with django_assert_num_queries(1):
        bought_together(product_ids=[a.pk, c.pk])
