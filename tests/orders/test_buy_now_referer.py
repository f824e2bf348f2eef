""" "Buy now" sends the shopper back to the page they came from, only if it is this site's."""

import pytest

from orders.models import Cart, CartStatus
from tests.factories import UserFactory

from .helpers import stocked_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def refused(client):
    """Buy now on a sold-out product (refused), posted with the given Referer."""
    client.force_login(UserFactory(verified=True))
    shirt = stocked_variant(on_hand=0, price="100.00")

    def post(referer: str):
        data = {"variant": shirt.pk, "quantity": 1}
        return client.post("/en/buy-now/", data, HTTP_REFERER=referer)

    return post


@pytest.mark.parametrize(
    "referer",
    [
        "javascript:alert(document.cookie)",
        "https://evil.example/phish",
        "//evil.example/phish",
        "http://testserver.evil.example/",
    ],
)
def test_a_foreign_or_script_referer_sends_the_shopper_home(refused, referer):
    response = refused(referer)
    assert response.status_code == 302
    assert response["Location"] in {"/", "/en/"}
    assert not Cart.objects.filter(status=CartStatus.EXPRESS).exists()


def test_a_referer_of_this_site_is_where_the_shopper_goes_back(refused):
    response = refused("http://testserver/en/products/shirt/?size=m")
    assert response.status_code == 302
    assert response["Location"] == "http://testserver/en/products/shirt/?size=m"
