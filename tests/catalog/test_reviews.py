"""Reviews from real buyers: one each, published by staff, averaged on pages and cards."""

import pytest
from django.test import Client

from catalog.models import Review
from catalog.services import product_refresh_listing
from payments.services import payment_capture, payment_start
from tests.factories import StaffFactory, UserFactory
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    shipping_setup()
    variant = stocked_variant()
    product_refresh_listing(product_id=variant.product_id)
    return variant.product


def _buyer(product) -> Client:
    user = UserFactory(verified=True, first_name="Ayşe")
    order = place(cart_with((product.variants.get(), 1), user=user))
    payment_capture(payment=payment_start(payment=order.payments.first()), details={})
    client = Client()
    client.force_login(user)
    return client


def _staff() -> Client:
    client = Client()
    client.force_login(StaffFactory())
    return client


def _publish(*reviews: Review) -> None:
    response = _staff().post(
        "/en/admin/catalog/review/",
        {"action": "publish", "_selected_action": [r.pk for r in reviews]},
        follow=True,
    )
    assert response.status_code == 200


def test_a_customer_who_did_not_buy_cannot_review(client, product):
    client.force_login(UserFactory(verified=True))
    url = f"/en/p/{product.slug_en}/review/"
    page = client.get(url)
    assert page.status_code == 403
    assert "Only customers who bought this product can review it." in page.text
    assert client.post(url, {"rating": "5", "body": "Great"}).status_code == 403
    assert not Review.objects.exists()
    assert Client().get(url).status_code == 302  # visitors are asked to sign in


def test_a_buyers_review_appears_once_staff_publish_it_and_moves_the_average(product):
    url = f"/en/p/{product.slug_en}/"
    buyer = _buyer(product)
    response = buyer.post(f"{url}review/", {"rating": "4", "body": "<script>x()</script>Nice"})
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.verified_purchase and review.status == "pending"
    assert "Nice" not in Client().get(url).text  # waiting for approval

    _publish(review)
    page = Client().get(url).text
    assert "Rated 4.0 out of 5 by 1 customer" in page
    assert "&lt;script&gt;x()&lt;/script&gt;Nice" in page and "<script>x()" not in page
    assert "Ayşe" in page and "Verified purchase" in page
    assert "★ 4.0 (1)" in Client().get("/en/products/").text

    second = _buyer(product)
    second.post(f"{url}review/", {"rating": "2", "body": "Meh"})
    _publish(Review.objects.get(body="Meh"))
    assert "Rated 3.0 out of 5 by 2 customers" in Client().get(url).text


def test_one_review_per_customer_and_an_edit_waits_for_approval_again(product):
    buyer = _buyer(product)
    review_url = f"/en/p/{product.slug_en}/review/"
    buyer.post(review_url, {"rating": "5", "body": "First words"})
    _publish(Review.objects.get())
    assert 'value="5"' in buyer.get(review_url).text  # the form shows their review to edit
    buyer.post(review_url, {"rating": "1", "body": "Second thoughts"})
    review = Review.objects.get()
    assert (review.rating, review.body, review.status) == (1, "Second thoughts", "pending")
    page = Client().get(f"/en/p/{product.slug_en}/").text
    assert "First words" not in page and "No reviews yet." in page


def test_staff_hide_a_review_and_it_leaves_the_page(product):
    buyer = _buyer(product)
    buyer.post(f"/en/p/{product.slug_en}/review/", {"rating": "5", "body": "Spam spam"})
    review = Review.objects.get()
    _publish(review)
    _staff().post("/en/admin/catalog/review/", {"action": "hide", "_selected_action": [review.pk]})
    page = Client().get(f"/en/p/{product.slug_en}/").text
    assert "Spam spam" not in page and "No reviews yet." in page


@pytest.mark.pagecache
def test_publishing_a_review_reaches_cached_pages_at_once(product):
    url = f"/en/p/{product.slug_en}/"
    buyer = _buyer(product)
    buyer.post(f"{url}review/", {"rating": "5", "body": "Lovely lamp"})
    for page in (url, "/en/products/"):
        Client().get(page)
        assert Client().get(page)["X-Page-Cache"] == "hit"
    _publish(Review.objects.get())
    assert "Lovely lamp" in Client().get(url).text
    assert "★ 5.0 (1)" in Client().get("/en/products/").text
