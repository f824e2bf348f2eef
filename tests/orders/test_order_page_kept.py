"""The order's page as each worker keeps it (orders.selectors.order_page_for_viewer): used only
while none of the rows it shows changed, however they were written."""

import pytest
from django.db.models import Model
from django.db.models.query import Prefetch
from django.test import Client
from django.urls import reverse

from orders import services
from orders.models import Carrier, DownloadLink, Order, OrderEvent, Shipment
from orders.selectors.orders import ORDER_PAGES, _covered, _full
from tests.factories import UserFactory

from .fulfilment_helpers import digital_variant, packed_order, pay, simulated_carrier
from .helpers import cart_with, place, shipping_setup
from .helpers import signed_in_client as _signed_in

# The order page is kept only on PostgreSQL (its version is an md5 PostgreSQL makes).
pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _delivery():
    shipping_setup()


def test_a_kept_order_page_shows_changes_written_without_the_services(
    django_assert_max_num_queries,
):
    """Queryset updates send no signal: the page still shows them at the next request."""
    customer = UserFactory(verified=True)
    order = packed_order(user=customer)
    services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="OLD-1")
    client = _signed_in(customer)
    url = reverse("orders:confirmation", args=[order.number])
    assert "OLD-1" in client.get(url).content.decode()
    with django_assert_max_num_queries(2):  # kept
        client.get(url)
    assert ORDER_PAGES.get((order.pk, "en")) is not None

    Shipment.objects.filter(order=order).update(tracking_number="NEW-2")
    assert "NEW-2" in client.get(url).content.decode()
    Carrier.objects.update(name="Yeni Kargo")  # a row other orders share
    assert "Yeni Kargo" in client.get(url).content.decode()
    OrderEvent.objects.filter(order=order).update(note="Kapıda bırakıldı")
    assert "Kapıda bırakıldı" in client.get(url).content.decode()
    Order.objects.filter(pk=order.pk).update(status="delivered")
    assert 'hx-trigger="every' not in client.get(url).content.decode()  # final: no refreshing


def test_a_kept_digital_order_counts_its_downloads_as_they_happen():
    customer = UserFactory(verified=True)
    order = pay(place(cart_with((digital_variant(), 1), user=customer), payment_method="card"))
    link = DownloadLink.objects.get(order_line__order=order)
    client = _signed_in(customer)
    url = reverse("orders:confirmation", args=[order.number])
    left = link.max_downloads
    assert f"{left} downloads left" in client.get(url).content.decode()
    DownloadLink.objects.filter(pk=link.pk).update(download_count=1)
    assert f"{left - 1} download" in client.get(url).content.decode()


def test_a_kept_order_is_still_only_its_owners():
    owner, stranger = UserFactory(verified=True), UserFactory(verified=True)
    order = packed_order(user=owner)
    url = reverse("orders:confirmation", args=[order.number])
    assert _signed_in(owner).get(url).status_code == 200  # now kept
    assert _signed_in(stranger).get(url).status_code == 404
    assert Client().get(url).status_code == 404


def _models(model: type[Model], lookups: list, selected: dict | bool) -> set[type[Model]]:
    """The models a queryset loads: its own, what it selects and what it prefetches."""
    found = {model}
    if isinstance(selected, dict):
        for name, deeper in selected.items():
            found |= _models(model._meta.get_field(name).related_model, [], deeper)
    for lookup in lookups:
        path = lookup.prefetch_through if isinstance(lookup, Prefetch) else lookup
        current = model
        for name in path.split("__"):
            current = current._meta.get_field(name).related_model
            found.add(current)
        queryset = getattr(lookup, "queryset", None)
        if queryset is not None:
            found |= _models(
                queryset.model, queryset._prefetch_related_lookups, queryset.query.select_related
            )
    return found


def test_the_version_covers_every_model_the_page_loads():
    """A model the page loads but the version misses would show stale rows."""
    full = _full(Order.objects.all())
    loaded = _models(Order, full._prefetch_related_lookups, full.query.select_related)
    assert loaded - {Order} <= set(_covered())
    assert len(loaded) > 10  # the walk found the prefetches


def test_my_orders_kept_list_shows_changes_and_each_visitors_own_form_token():
    customer = UserFactory(verified=True)
    order = packed_order(user=customer)
    url = reverse("orders:order_list")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for client in (first, second):
        client.force_login(customer)
    tokens = []
    for client in (first, second):
        page = client.get(url).content.decode()
        assert "Packed" in page
        form = page[page.index(f'action="{reverse("orders:buy_again", args=[order.number])}"') :]
        tokens.append(form.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0])
    assert tokens[0] != tokens[1]  # the kept list, each visitor's own token
    bought_again = first.post(
        reverse("orders:buy_again", args=[order.number]), {"csrfmiddlewaretoken": tokens[0]}
    )
    assert bought_again.status_code == 302  # the token is good (a wrong one answers 403)

    Order.objects.filter(pk=order.pk).update(status="shipped")
    assert "Shipped" in first.get(url).content.decode()


def test_the_order_record_is_kept_per_version_and_shows_a_change():
    """Items, payment, delivery and documents are a kept part too, under the order's version."""
    customer = UserFactory(verified=True)
    order = packed_order(user=customer)
    client = _signed_in(customer)
    url = reverse("orders:confirmation", args=[order.number])
    page = client.get(url).content.decode()
    assert "Your contract documents" in page and "Cash on delivery" in page
    Order.objects.filter(pk=order.pk).update(
        shipping_method_names={"en": "Express delivery", "tr": "Hızlı teslimat"}
    )
    assert "Express delivery" in client.get(url).content.decode()


def test_the_kept_cancel_form_carries_each_visitors_own_token():
    """The cancel form sits in the order page's kept record: a second browser of the same
    customer (another CSRF secret) gets its own token in it, and cancelling works there."""
    customer = UserFactory(verified=True)
    order = pay(place(cart_with((digital_variant(), 1), user=customer), payment_method="card"))
    Order.objects.filter(pk=order.pk).update(status="confirmed")  # before delivery: cancellable
    url = reverse("orders:confirmation", args=[order.number])
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = []
    for client in (first, second):
        client.force_login(customer)
        page = client.get(url).content.decode()
        form = page[page.index(f'action="{reverse("orders:cancel", args=[order.number])}"') :]
        tokens.append(form.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0])
    assert tokens[0] != tokens[1]
    cancelled = second.post(
        reverse("orders:cancel", args=[order.number]), {"csrfmiddlewaretoken": tokens[1]}
    )
    assert cancelled.status_code == 302  # a stale token of the first browser would answer 403
    assert Order.objects.get(pk=order.pk).status == "cancelled"
    assert "Cancel this order" not in second.get(url).content.decode()
