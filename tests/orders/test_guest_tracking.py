"""A guest finds tracking: "Track your order" at the foot of every page (pages served from the
page cache too), on the order's page and in every email about a guest's order, whose link
fills in the order number so the guest types only the email address."""

import re
from html import unescape

import pytest
from django.conf import settings
from django.test import Client

from crm.notifications.models import Message
from crm.notifications.rendering import render_message
from orders import services
from orders.messages import (
    KIND_BY_EVENT,
    KIND_BY_STATUS,
    PAYMENT_KINDS,
    order_message_context,
    order_step_context,
)
from tests.factories import UserFactory

from .fulfilment_helpers import packed_order, simulated_carrier
from .helpers import cart_with, place, shipping_setup, stocked_variant
from .helpers import signed_in_client as _signed_in
from .test_pages import add
from .test_pages import place as checkout_as_guest

pytestmark = pytest.mark.django_db

FOOTER_LINK = {
    "en": '<a href="/en/track/" id="track-order-link">Track your order</a>',
    "tr": '<a href="/track/" id="track-order-link">Siparişinizi takip edin</a>',
}
ORDER_MESSAGES = sorted({*KIND_BY_STATUS.values(), *KIND_BY_EVENT.values(), *PAYMENT_KINDS})


@pytest.fixture(autouse=True)
def _delivery():
    shipping_setup()


@pytest.mark.pagecache
def test_the_home_page_links_tracking_for_a_guest_from_the_page_cache_and_for_a_customer():
    for language, home in (("en", "/en/"), ("tr", "/")):
        first, again = Client().get(home), Client().get(home)
        assert again["X-Page-Cache"] == "hit"  # the footer as the cache serves it
        for page in (first, again):
            assert FOOTER_LINK[language] in page.text, language
    customer = UserFactory(verified=True, language="en")
    mine = _signed_in(customer).get("/en/")
    assert "X-Page-Cache" not in mine  # rendered for her
    assert FOOTER_LINK["en"] in mine.text


def test_every_kind_of_page_links_tracking_in_its_footer():
    order = place(cart_with((stocked_variant(), 1)), email="misafir@example.com")
    customer = UserFactory(verified=True, language="en")
    for client, paths in (
        (Client(), ["/en/products/", "/en/cart/", "/en/account/login/", "/en/track/"]),
        (_signed_in(customer), ["/en/account/", "/en/account/orders/", "/en/legal/terms/"]),
    ):
        for path in paths:
            page = client.get(path)
            assert page.status_code == 200, path
            assert FOOTER_LINK["en"] in page.text, path
    assert FOOTER_LINK["tr"] in _guest_order_page(order).text


def _guest_order_page(order):
    """The guest's order page, opened from the signed link of its message."""
    url = order_message_context(order=order)["url"].removeprefix(settings.SITE_URL)
    return Client().get(url)


def test_the_order_page_links_tracking_with_the_number_filled_in():
    order = place(cart_with((stocked_variant(), 1)), email="misafir@example.com", language="en")
    page = _guest_order_page(order)
    assert page.status_code == 200
    link = f'<a href="/en/track/?number={order.number}" id="track-this-order">'
    assert link in page.text  # the message's link opens the page in the order's language
    followed = Client().get(f"/en/track/?number={order.number}")
    assert f'value="{order.number}"' in followed.text
    assert re.search(r'<input type="email" name="email"[^>]*autofocus', followed.text)


def test_a_guest_right_after_ordering_is_told_where_to_track_it(client):
    method = shipping_setup()
    add(client, stocked_variant(), 1)
    placed = checkout_as_guest(client, method)
    page = client.get(placed["Location"])
    assert "Thank you for your order" in page.text
    told = "Follow the order any time under “Track your order” (at the bottom of every page)"
    assert told in page.text
    number = page.context["order"].number
    assert f'<a href="/en/track/?number={number}" id="track-this-order">' in page.text
    assert told not in client.get(placed["Location"]).text  # told once, with the thanks


def _every_message(order, language: str):
    """Each order email as the customer gets it, its step's details included."""
    context = {
        **order_message_context(order=order, with_documents=True),
        **order_step_context(order=order, event=None),
        "refunded": "10.00",
        "expires_at": "",
    }
    for kind in ORDER_MESSAGES:
        yield (
            kind,
            render_message(
                kind=kind,
                category="transactional",
                channel="email",
                language=language,
                context=context,
            ),
        )


@pytest.mark.parametrize("language", ["en", "tr"])
def test_every_email_about_a_guests_order_links_tracking_with_its_number(language):
    order = packed_order(email="misafir@example.com", language=language)
    prefix = "/en" if language == "en" else ""
    track_url = f"{settings.SITE_URL}{prefix}/track/?number={order.number}"
    words = {"en": "Track your order", "tr": "Siparişinizi takip edin"}[language]
    # The order is on its way: every message but the late notice (which names it) carries the
    # delivery promise made at placement.
    promised = {"en": "Arrives ", "tr": "Teslimat: "}[language]
    assert len(ORDER_MESSAGES) == 19
    for kind, message in _every_message(order, language):
        assert f"{words} (" in message.text and message.text.endswith(f": {track_url}"), kind
        assert kind == "order_late" or promised in message.text, kind
        links = {
            unescape(text): unescape(href)
            for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', message.html)
        }
        assert links.get(words) == track_url, kind


def test_a_customers_emails_lead_to_my_orders_not_to_tracking():
    customer = UserFactory(verified=True, language="en")
    order = packed_order(user=customer)
    for kind, message in _every_message(order, customer.language):
        assert "/track/" not in message.text and "/track/" not in message.html, kind


def test_the_guests_sent_emails_carry_the_link_from_confirmation_to_shipping():
    order = packed_order(email="misafir@example.com")
    services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="G-9")
    track_url = f"{settings.SITE_URL}/track/?number={order.number}"
    sent = Message.objects.filter(subject_id=str(order.pk), channel="email")
    assert {"order_confirmed", "order_shipped"} <= set(sent.values_list("kind", flat=True))
    for message in sent:
        assert track_url in message.body_text and f'href="{track_url}"' in message.body_html


@pytest.mark.parametrize(
    "query",
    ["", "?number=", "?number=" + "X" * 21, "?number=%3Cscript%3Ealert(1)%3C/script%3E", "?x=1"],
)
def test_odd_prefills_show_the_empty_or_escaped_form_and_look_nothing_up(
    query, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        page = Client().get(f"/en/track/{query}")
    assert page.status_code == 200
    assert "<script>alert" not in page.text
    assert 'class="error"' not in page.text and 'id="tracked"' not in page.text
    if "X" * 21 in query:
        assert 'value="XXXX' not in page.text  # too long to be a number: left out, no error


def test_the_prefilled_number_with_a_wrong_email_answers_as_before(settings):
    settings.ORDER_TRACK_ATTEMPTS_PER_HOUR = 3
    order = packed_order(email="misafir@example.com")
    services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="G-2")
    client = Client()
    url = f"/en/track/?number={order.number}"
    assert f'value="{order.number}"' in client.get(url).text
    wrong = client.post(url, {"number": order.number, "email": "baska@example.com"})
    assert wrong.status_code == 404 and "G-2" not in wrong.text
    assert "We could not find an order with this number and email address." in wrong.text
    empty = client.post(url, {"number": order.number, "email": ""})
    assert empty.status_code == 200 and 'id="tracked"' not in empty.text
    found = client.post(url, {"number": order.number, "email": "MISAFIR@example.com"})
    assert found.status_code == 200 and "G-2" in found.text
