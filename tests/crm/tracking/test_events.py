"""The beacon endpoint: a row only with analytics consent and a visitor id, compact and
checked, rate limited per visitor, never without a CSRF token, never a 500."""

import pytest
from django.test import Client

from crm.models import EventKind, TrackingEvent
from tests.factories import ProductFactory, UserFactory

from .helpers import TRACK_URL, VISITOR, beacon, browser, token

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("consent", "visitor"),
    [
        (None, VISITOR),  # never chose
        ("1.0.0", VISITOR),  # rejected all
        ("1.0.1", VISITOR),  # marketing only
        ("1.1", VISITOR),  # malformed
        ("1.2.0", VISITOR),  # malformed
        ("0.1.1", VISITOR),  # an older cookie list: asked again, nothing optional meanwhile
        ("1.1.0", None),  # analytics allowed but no visitor id
        ("1.1.0", "not-a-visitor-id"),
    ],
)
def test_no_row_is_written_without_analytics_consent_and_a_visitor_id(consent, visitor):
    response = beacon(browser(consent, visitor), kind="page_view", path="/en/")
    assert response.status_code == 204
    assert not TrackingEvent.objects.exists()


def test_a_page_view_keeps_the_path_and_only_the_host_of_another_site():
    client = browser()
    beacon(
        client,
        kind="page_view",
        path="/en/p/tea/?q=secret",
        referrer="https://www.google.com/search?q=tea",
    )
    beacon(
        client, kind="page_view", path="/en/products/", referrer="http://testserver/en/p/tea/?x=1"
    )
    rows = list(
        TrackingEvent.objects.order_by("pk").values("visitor_id", "user", "path", "referrer")
    )
    assert rows == [
        {"visitor_id": VISITOR, "user": None, "path": "/en/p/tea/", "referrer": "www.google.com"},
        {"visitor_id": VISITOR, "user": None, "path": "/en/products/", "referrer": "/en/p/tea/"},
    ]


def test_product_search_cart_and_step_events_and_the_customer_only_when_signed_in():
    product = ProductFactory()
    user = UserFactory()
    client = browser()
    beacon(client, kind="product_view", product=product.pk)
    beacon(client, kind="product_view", product=product.pk + 1000)  # unknown: ignored
    beacon(client, kind="search", query="  Kırmızı   IŞIK ", results=3)
    beacon(client, kind="search", query="nothing", results=0)  # catalog's SearchMiss counts it
    client.force_login(user)
    beacon(client, kind="add_to_cart", product=product.pk)
    beacon(client, kind="checkout_step", step="details")
    rows = list(
        TrackingEvent.objects.order_by("pk").values_list(
            "kind", "product", "query", "results", "step", "user"
        )
    )
    assert rows == [
        (EventKind.PRODUCT_VIEW, product.pk, "", None, "", None),
        (EventKind.SEARCH, None, "kırmızı ışık", 3, "", None),
        (EventKind.ADD_TO_CART, product.pk, "", None, "", user.pk),
        (EventKind.CHECKOUT_STEP, None, "", None, "details", user.pk),
    ]


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"kind": "bogus"},
        {"kind": "product_view", "product": "abc"},
        {"kind": "product_view", "product": "99999999999999999999999"},
        {"kind": "checkout_step", "step": "nowhere"},
        {"kind": "search", "query": "tea\x00", "results": 2},
        {"kind": "search", "query": "tea", "results": -1},
    ],
)
def test_garbage_writes_nothing_and_is_never_a_500(fields):
    response = beacon(browser(), **fields)
    assert response.status_code == 400
    assert not TrackingEvent.objects.exists()


def test_overlong_fields_are_cut_and_foreign_paths_dropped():
    client = browser()
    beacon(client, kind="page_view", path="/" + "a" * 500, referrer="x" * 500)
    beacon(client, kind="page_view", path="https://evil.example/steal")
    row = TrackingEvent.objects.get()
    assert row.path == "/" + "a" * 199
    assert row.referrer == ""


def test_a_beacon_without_a_token_is_refused():
    client = browser()
    client.get("/en/cookie-settings/")  # has the CSRF cookie, but sends no token
    assert client.post(TRACK_URL, {"kind": "page_view", "path": "/en/"}).status_code == 403
    assert not TrackingEvent.objects.exists()


def test_the_endpoint_takes_only_posts():
    assert Client().get(TRACK_URL).status_code == 405


def test_each_visitor_is_rate_limited_on_their_own(settings):
    settings.TRACKING_EVENTS_PER_MINUTE = 3
    client = browser()
    csrf = token(client)
    answers = [
        client.post(
            TRACK_URL, {"csrfmiddlewaretoken": csrf, "kind": "page_view", "path": "/en/"}
        ).status_code
        for _ in range(5)
    ]
    assert answers == [204, 204, 204, 429, 429]
    other = browser(visitor="f" * 32)
    assert beacon(other, kind="page_view", path="/en/").status_code == 204
    assert TrackingEvent.objects.filter(visitor_id=VISITOR).count() == 3
    assert TrackingEvent.objects.filter(visitor_id="f" * 32).count() == 1
