""" "Recommended for you" and "recently viewed": from purchases always, from views only with
marketing consent, never another customer's, consumables offered again; a pinned fragment."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import Product
from crm.models import EventKind, TrackingEvent
from crm.recommendations.selectors import personal_recommendations
from crm.recommendations.services import bought_together_refresh
from crm.tracking.cookies import CONSENT_COOKIE, VISITOR_COOKIE
from tests.crm.recommendation_helpers import order, products
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VISITOR = "0123456789abcdef0123456789abcdef"
FRAGMENT_QUERIES = 3  # the user (the session is cached), recently viewed, recommendations


@pytest.fixture
def shop():
    """Named products: A goes with B (bought together three times) and with C (once); Coffee
    (a consumable) goes with the Grinder; V (viewed) goes with W."""
    names = ["A", "B", "C", "Coffee", "Grinder", "V", "W", "Other"]
    made = dict(zip(names, products(len(names)), strict=True))
    for name, product in made.items():
        Product.objects.filter(pk=product.pk).update(name_en=name)
    Product.objects.filter(pk=made["Coffee"].pk).update(is_consumable=True)
    for _ in range(3):
        order(made["A"], made["B"])
    order(made["A"], made["C"])
    order(made["Coffee"], made["Grinder"])
    order(made["V"], made["W"])
    order(made["V"], made["W"])
    return {name: Product.objects.get(pk=product.pk) for name, product in made.items()}


def _view(product, *, user=None, visitor=VISITOR, ago: int = 1) -> None:
    TrackingEvent.objects.create(
        visitor_id=visitor,
        user=user,
        kind=EventKind.PRODUCT_VIEW,
        product=product,
        created_at=timezone.now() - timedelta(minutes=ago),
    )


def _consent(client, *, marketing: bool) -> None:
    client.cookies[CONSENT_COOKIE] = f"1.1.{int(marketing)}"
    client.cookies[VISITOR_COOKIE] = VISITOR


def _fragment(client, **kwargs):
    return client.get(reverse("crm:recommendations_for_you"), **kwargs)


def _section(page: str, heading: str) -> str:
    return page.split(f'id="{heading}"')[1].split("</section>")[0] if heading in page else ""


def test_a_customer_is_recommended_what_goes_with_their_purchases_but_not_them_again(shop):
    customer = UserFactory(verified=True)
    order(shop["A"], shop["Coffee"], user=customer, status="delivered")
    bought_together_refresh()
    picks = [p.name_en for p in personal_recommendations(user=customer)]
    # B and the Grinder go with what she bought; the Coffee is a consumable: offered again.
    assert picks[:2] == ["B", "Grinder"]
    assert set(picks) == {"B", "Grinder", "C", "Coffee"}
    assert "A" not in picks


def test_nothing_from_orders_never_accepted(shop):
    customer = UserFactory(verified=True)
    order(shop["A"], user=customer, status="cancelled")
    order(shop["V"], user=customer, status="pending_payment")
    bought_together_refresh()
    assert personal_recommendations(user=customer) == []


def test_views_count_only_with_marketing_consent(shop, client):
    customer = UserFactory(verified=True)
    order(shop["A"], user=customer, status="delivered")
    _view(shop["V"], user=customer)
    bought_together_refresh()
    client.force_login(customer)
    _consent(client, marketing=False)
    page = _fragment(client).text
    assert f"/p/{shop['B'].slug_tr}/" in _section(page, "for-you-heading")
    assert shop["W"].slug_tr not in page and "recently-viewed-heading" not in page
    _consent(client, marketing=True)
    page = _fragment(client).text
    assert f"/p/{shop['W'].slug_tr}/" in _section(page, "for-you-heading")
    assert f"/p/{shop['V'].slug_tr}/" in _section(page, "recently-viewed-heading")


def test_an_anonymous_visitor_with_consent_sees_their_own_recently_viewed(shop, client):
    _view(shop["B"], ago=5)
    _view(shop["C"], ago=1)
    _view(shop["Other"], visitor="f" * 32)  # another browser
    bought_together_refresh()
    _consent(client, marketing=True)
    recent = _section(_fragment(client).text, "recently-viewed-heading")
    assert recent.index(shop["C"].slug_tr) < recent.index(shop["B"].slug_tr)
    assert shop["Other"].slug_tr not in recent
    _consent(client, marketing=False)
    assert _fragment(client).status_code == 204  # nothing useful without consent
    client.cookies.clear()
    assert _fragment(client).status_code == 204


def test_another_customers_purchases_and_views_never_appear(shop, client):
    customer, other = UserFactory(verified=True), UserFactory(verified=True)
    order(shop["V"], user=other, status="delivered")
    _view(shop["Other"], user=other, visitor=VISITOR)
    bought_together_refresh()
    client.force_login(customer)
    _consent(client, marketing=True)  # the same browser id the other customer used
    assert _fragment(client).status_code == 204
    assert personal_recommendations(user=customer) == []


def test_home_and_account_pages_load_the_fragment(client):
    assert reverse("crm:recommendations_for_you") in client.get("/").text
    client.force_login(UserFactory(verified=True))
    assert reverse("crm:recommendations_for_you") in client.get(reverse("shop:profile")).text
    assert reverse("crm:recommendations_for_you") in client.get(reverse("orders:order_list")).text


@pytest.mark.parametrize("history", [1, 8])
def test_the_fragment_runs_a_constant_number_of_queries(
    shop, client, django_assert_max_num_queries, history
):
    customer = UserFactory(verified=True)
    for product in list(shop.values())[:history]:
        order(product, user=customer, status="delivered")
        _view(product, user=customer)
    bought_together_refresh()
    client.force_login(customer)
    _consent(client, marketing=True)
    _fragment(client)
    with django_assert_max_num_queries(FRAGMENT_QUERIES):
        response = _fragment(client)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
