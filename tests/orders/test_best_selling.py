"""Honest "best selling": units sold rolled up from orders that count as sold, by a job."""

import pytest

from catalog import purchases
from catalog.services import product_refresh_listing
from orders import services
from orders.tasks import rollup_units_sold
from payments.services import payment_capture, payment_start
from shop.celery import PERIODIC_JOBS
from tests.factories import UserFactory

from .helpers import cart_with, place, shipping_setup, stocked_variant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shipping():
    shipping_setup()


def _paid(order):
    payment = payment_start(payment=order.payments.first())
    payment_capture(payment=payment, details={"collected_by": "kurye"})


def test_best_selling_follows_paid_orders_not_placement_nor_cancelled_ones(client):
    lamp, mug = stocked_variant(on_hand=50), stocked_variant(on_hand=50)
    for variant in (lamp, mug):
        product_refresh_listing(product_id=variant.product_id)
    _paid(place(cart_with((lamp, 3))))
    pending = place(cart_with((mug, 5)))  # placed, not paid: nothing sold yet
    mug.product.refresh_from_db()
    assert mug.product.units_sold == 0  # placement never touches the figure
    cancelled = place(cart_with((mug, 4)))
    services.order_transition(order=cancelled, to="cancelled", cancel_reason="customer")

    assert rollup_units_sold.delay().get() == 1
    lamp.product.refresh_from_db()
    assert lamp.product.units_sold == 3
    page = client.get("/en/products/?sort=best_selling").text
    assert page.index(lamp.product.name_en) < page.index(mug.product.name_en)

    _paid(pending)
    rollup_units_sold.delay().get()
    mug.product.refresh_from_db()
    assert mug.product.units_sold == 5
    page = client.get("/en/products/?sort=best_selling").text
    assert page.index(mug.product.name_en) < page.index(lamp.product.name_en)
    assert rollup_units_sold.delay().get() == 0  # nothing changed: nothing written


def test_the_rollup_is_a_declared_periodic_job(settings):
    assert PERIODIC_JOBS["rollup-units-sold"] == (
        "orders.rollup_units_sold",
        "CATALOG_UNITS_SOLD_EVERY_SECONDS",
    )
    assert settings.CATALOG_UNITS_SOLD_EVERY_SECONDS > 0


def test_a_cancelled_order_is_no_purchase_for_reviews():
    user = UserFactory(verified=True)
    variant = stocked_variant()
    order = place(cart_with((variant, 1), user=user))
    _paid(order)
    assert purchases.customer_bought(user_id=user.pk, product_id=variant.product_id)
    services.order_transition(order=order, to="cancelled", cancel_reason="staff")
    assert not purchases.customer_bought(user_id=user.pk, product_id=variant.product_id)
