from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.utils import translation

from orders.models import Carrier, ShippingMethod, ShippingRate, ShippingRegion


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The services' messages are asserted in English, whatever the default language."""
    with translation.override("en"):
        yield


@pytest.fixture
def shipping() -> ShippingMethod:
    """One carrier delivering all of Türkiye at 49.90, free from 1000."""
    carrier = Carrier.objects.create(name="Kargo")
    region = ShippingRegion.objects.create(name="Türkiye", countries="TR")
    method = ShippingMethod.objects.create(
        carrier=carrier, name_tr="Standart", name_en="Standard", free_above=Decimal("1000")
    )
    ShippingRate.objects.create(
        method=method, region=region, max_weight_grams=30000, price=Decimal("49.90")
    )
    return method
