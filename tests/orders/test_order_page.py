"""The customer's order page, "My orders", guest tracking, invoices and digital downloads."""

import re
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from crm.notifications.models import Message
from orders import services
from orders.models import DownloadLink, Invoice, Order
from orders.selectors.orders import ORDER_PAGES
from orders.tasks import poll_carriers
from tests.factories import OrderFactory, UserFactory

from .fulfilment_helpers import digital_variant, packed_order, pay, simulated_carrier
from .helpers import cart_with, place, shipping_setup, stocked_variant
from .helpers import signed_in_client as _signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _delivery():
    shipping_setup()


def test_the_order_page_shows_each_step_parcels_and_the_invoice():
    customer = UserFactory(verified=True)
    order = packed_order(user=customer)
    client = _signed_in(customer)
    page = client.get(reverse("orders:confirmation", args=[order.number])).content.decode()
    assert "Thank you for your order" not in page
    assert 'data-status="packed"' in page and 'hx-trigger="every 30s"' in page

    services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="SIM-P1")
    poll_carriers()
    live = client.get(
        reverse("orders:confirmation", args=[order.number]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "SIM-P1" in live and "https://kargo.example/t/SIM-P1" in live
    assert ('aria-current="step"' in live and "In transit" in live) or "Yolda" in live

    poll_carriers()
    poll_carriers()
    page = client.get(reverse("orders:confirmation", args=[order.number])).content.decode()
    assert 'hx-trigger="every' not in page  # delivered: the page stops refreshing
    assert Invoice.objects.get(order=order).number in page


def test_order_page_queries_do_not_grow_with_lines_parcels_and_events(
    django_assert_max_num_queries,
):
    customer = UserFactory(verified=True)
    small = packed_order(user=customer)
    services.order_ship(order=small, carrier=simulated_carrier(), tracking_number="Q-1")
    big = packed_order(*[(stocked_variant(), 1) for _ in range(4)], user=customer)
    carrier = simulated_carrier(name="Başka")
    for index, line in enumerate(big.lines.all()):
        services.order_ship(
            order=big, carrier=carrier, tracking_number=f"Q-B{index}", quantities={line.pk: 1}
        )
    for _ in range(3):
        poll_carriers()
    client = _signed_in(customer)
    url = reverse("orders:confirmation", args=[small.number])
    client.get(url)
    ORDER_PAGES.clear()  # loaded afresh: the version of what it shows, then everything
    with django_assert_max_num_queries(14) as small_run:
        client.get(url)
    with django_assert_max_num_queries(len(small_run.captured_queries)):
        client.get(reverse("orders:confirmation", args=[big.number]))
    # Kept by the worker while nothing it shows changes: the session's user and the version
    # (PostgreSQL's; on SQLite the page loads the order afresh).
    with django_assert_max_num_queries(2 if connection.vendor == "postgresql" else 14):
        client.get(url)
    # My orders: the session's user, then the page of orders with their count in one query.
    client.get(reverse("orders:order_list"))
    with django_assert_max_num_queries(2):
        client.get(reverse("orders:order_list"))


def test_my_orders_is_paginated_and_opens_the_order_page(settings):
    settings.ORDERS_PER_PAGE = 2
    customer = UserFactory(verified=True)
    orders = [OrderFactory(user=customer) for _ in range(5)]
    client = _signed_in(customer)
    first = client.get(reverse("orders:order_list"))
    assert len(first.context["orders"]) == 2
    assert "?page=2" in first.content.decode()
    last = client.get(reverse("orders:order_list") + "?page=3")
    assert len(last.context["orders"]) == 1
    opened = client.get(reverse("orders:confirmation", args=[orders[0].number]))
    assert "Thank you for your order" not in opened.content.decode()


def test_another_customer_cannot_see_an_order_invoice_or_download():
    owner, stranger = UserFactory(verified=True), UserFactory(verified=True)
    order = place(cart_with((digital_variant(), 1), user=owner), payment_method="card")
    order = pay(order)
    link = DownloadLink.objects.get(order_line__order=order)
    download = _download_url(order, link)
    other = _signed_in(stranger)
    assert other.get(reverse("orders:confirmation", args=[order.number])).status_code == 404
    assert other.get(reverse("orders:invoice", args=[order.number])).status_code == 404
    assert other.get(download).status_code == 404
    assert Client().get(download).status_code == 404
    assert DownloadLink.objects.get(pk=link.pk).download_count == 0


def _download_url(order: Order, link: DownloadLink) -> str:
    from orders.links import download_token

    return reverse("orders:download", args=[order.number, download_token(link.pk)])


def test_a_paid_digital_order_is_delivered_with_links_that_expire_and_run_out(settings):
    settings.DOWNLOAD_LINK_MAX_DOWNLOADS = 2
    customer = UserFactory(verified=True)
    order = place(cart_with((digital_variant(), 1), user=customer), payment_method="card")
    order = pay(order)
    assert order.status == "delivered"
    assert order.invoice.number
    message = Message.objects.get(kind="order_downloads_ready", channel="email")
    assert "/downloads/" in message.body_text

    link = DownloadLink.objects.get(order_line__order=order)
    client = _signed_in(customer)
    page = client.get(reverse("orders:confirmation", args=[order.number])).content.decode()
    # The link as the page shows it: a token signed there (a second later it reads differently).
    page_url = reverse("orders:confirmation", args=[order.number])
    shown = re.search(rf'href="({page_url}downloads/[^"]+)"', page)
    assert shown, "the order page links the download"
    url = shown.group(1)
    assert "private" not in page and "digital/" not in page  # no storage path
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 poems"
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 410  # the limit

    services.download_link_extend(link=link)
    assert client.get(url).status_code == 200
    DownloadLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(1))
    assert client.get(url).status_code == 410  # expired

    fresh = services.download_link_reissue(link=DownloadLink.objects.get(pk=link.pk))
    assert client.get(url).status_code == 410  # the old link is revoked
    assert client.get(_download_url(order, fresh)).status_code == 200


def test_the_invoice_pdf_is_served_to_its_owner_with_turkish_letters():
    customer = UserFactory(verified=True)
    order = packed_order(user=customer)
    services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="INV-1")
    response = _signed_in(customer).get(reverse("orders:invoice", args=[order.number]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"DejaVu" in response.content  # the embedded font that has ğ, ş, ı and İ


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_invoice_numbers_are_gapless_and_unique_under_concurrent_invoicing():
    shipping_setup()
    orders = [OrderFactory() for _ in range(8)]
    errors: list[Exception] = []
    barrier = threading.Barrier(len(orders))

    def invoice(order: Order) -> None:
        try:
            barrier.wait()
            services.invoice_issue(order=order)
            services.invoice_issue(order=order)  # twice: still one invoice
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=invoice, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    sequences = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, len(orders) + 1))


def test_guest_tracking_answers_a_wrong_email_like_an_unknown_order(settings):
    settings.ORDER_TRACK_ATTEMPTS_PER_HOUR = 3
    order = packed_order()
    services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="G-1")
    client = Client()
    url = reverse("orders:track")
    found = client.post(url, {"number": order.number, "email": order.email.upper()})
    assert found.status_code == 200 and "G-1" in found.content.decode()
    wrong = client.post(url, {"number": order.number, "email": "someone@example.com"})
    unknown = client.post(url, {"number": "DK-NONE-0000", "email": order.email})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.context["error"] == unknown.context["error"]
    assert "G-1" not in wrong.content.decode()
    limited = client.post(url, {"number": order.number, "email": order.email})
    assert limited.status_code == 429


def test_the_customer_cancels_before_shipping_once_and_the_stock_comes_back():
    customer = UserFactory(verified=True)
    variant = stocked_variant(on_hand=5)
    order = place(cart_with((variant, 2), user=customer))
    services.checkout_payment_start(order=order)
    client = _signed_in(customer)
    url = reverse("orders:cancel", args=[order.number])
    client.post(url)
    client.post(url)  # a double click
    order.refresh_from_db()
    variant.refresh_from_db()
    assert (order.status, order.cancel_reason) == ("cancelled", "customer")
    assert variant.allocated == 0
    assert order.events.filter(to_status="cancelled").count() == 1


def test_the_customer_cannot_cancel_once_shipped():
    customer = UserFactory(verified=True)
    order = packed_order(user=customer)
    services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="C-1")
    client = _signed_in(customer)
    page = client.get(reverse("orders:confirmation", args=[order.number])).content.decode()
    assert reverse("orders:cancel", args=[order.number]) not in page
    response = client.post(reverse("orders:cancel", args=[order.number]), follow=True)
    assert "can no longer be cancelled" in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == "shipped"
