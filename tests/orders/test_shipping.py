"""Shipping prices by weight band and region, free above a basket value."""

from decimal import Decimal

import pytest

from orders.models import Carrier, ShippingMethod, ShippingRate, ShippingRegion
from orders.selectors import shipping_methods
from orders.shipping import quote

pytestmark = pytest.mark.django_db


@pytest.fixture
def standard():
    carrier = Carrier.objects.create(name="Yurtiçi", tracking_url_template="https://t/{number}")
    method = ShippingMethod.objects.create(
        carrier=carrier, name_tr="Standart", name_en="Standard", free_above=Decimal("750.00")
    )
    turkey = ShippingRegion.objects.create(name="Türkiye", countries="TR")
    east = ShippingRegion.objects.create(name="Doğu", countries="TR", provinces="Van\nKars")
    for region, light, heavy in [(turkey, "49.90", "89.90"), (east, "69.90", "119.90")]:
        ShippingRate.objects.create(
            method=method, region=region, max_weight_grams=2000, price=light
        )
        ShippingRate.objects.create(
            method=method, region=region, max_weight_grams=10000, price=heavy
        )
    return method


def _quote(**kwargs):
    [method] = shipping_methods()
    values = {
        "country": "TR",
        "province": "İstanbul",
        "weight_grams": 500,
        "basket_total": Decimal("100"),
    }
    return quote(method=method, **{**values, **kwargs})


def test_light_parcel_in_istanbul_pays_the_first_band(standard):
    assert _quote().price == Decimal("49.90")


def test_heavier_parcel_takes_the_next_band_and_too_heavy_is_not_offered(standard):
    assert _quote(weight_grams=2001).price == Decimal("89.90")
    assert _quote(weight_grams=10001) is None


def test_a_province_list_beats_the_whole_country(standard):
    assert _quote(province="Van").price == Decimal("69.90")


def test_free_above_the_basket_threshold_or_with_a_free_shipping_coupon(standard):
    free = _quote(basket_total=Decimal("750.00"))
    assert (free.price, free.free_because_of_basket) == (Decimal("0"), True)
    assert _quote(free_shipping_coupon=True).price == Decimal("0")


def test_no_rate_for_another_country(standard):
    assert _quote(country="DE", province="Berlin") is None


def test_listing_methods_takes_two_queries_whatever_their_number(
    standard, django_assert_num_queries
):
    with django_assert_num_queries(2):
        methods = shipping_methods()
        [rate.region.name for method in methods for rate in method.rates.all()]
