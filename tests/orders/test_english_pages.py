"""An order's page speaks the reader's language: the shipping method and what the shop wrote in
the order's and its parcels' history, whatever language the order was placed (or the staff
worked) in. Product names stay as bought, with the catalog's current name beside them."""

import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from crm.notifications.models import Message
from orders import services
from orders.models import Carrier, Order, OrderEvent, Shipment, ShipmentEvent
from orders.tasks import poll_carriers
from tests.factories import OrderFactory, ProductFactory, VariantFactory

from .fulfilment_helpers import simulated_carrier
from .helpers import shipping_setup
from .test_pages import add, place

pytestmark = pytest.mark.django_db

TURKISH_WORDS = ("Standart", "Personel bildirdi", "Alıcı adreste", "Teslimat sorunu")
ENGLISH_WORDS = ("Standard", "Reported by staff", "recipient was not", "Delivery problem")


@pytest.fixture
def method():
    return shipping_setup()  # Yurtiçi — "Standart" in Turkish, "Standard" in English


@pytest.fixture
def shirt():
    product = ProductFactory(name_tr="Keten gömlek", name_en="Linen shirt")
    return VariantFactory(product=product, on_hand=10, weight_grams=500)


def _placed_and_on_its_way(client, method, shirt, language: str) -> Order:
    """A guest orders in `language`; staff working in the same language ship the parcel and
    report it in transit; the carrier then fails to deliver it once."""
    with translation.override(language):
        add(client, shirt, 1)
        response = place(client, method)
        assert response.status_code == 302, response.content.decode()[:2000]
        order = Order.objects.get()
        assert order.language == language
        for step in ("preparing", "packed"):
            services.order_step(order=order, to=step)
        services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="P-PROBLEM")
        services.order_step(order=order, to="in_transit")  # "Reported by staff"
        poll_carriers()  # out for delivery
        poll_carriers()  # the recipient was not at the address
    return Order.objects.get(pk=order.pk)


def _order_page(client, order: Order, language: str) -> str:
    with translation.override(language):
        response = client.get(reverse("orders:confirmation", args=[order.number]))
    assert response.status_code == 200
    return response.content.decode()


def _shop_written(html: str) -> str:
    """The parts of the page the shop writes: the delivery method, the order's full history
    and the parcels (the contract documents stay in the language they were accepted in)."""
    parts = [
        re.search(r'<p id="shipping-method">(.*?)</p>', html, re.S)[1],
        re.search(r'<details class="history">(.*?)</details>', html, re.S)[1],
        re.search(r'<section aria-labelledby="parcels-heading">(.*?)</section>', html, re.S)[1],
    ]
    return "\n".join(parts)


def _items(html: str) -> str:
    return re.search(r'<ul class="summary-lines">(.*?)</ul>', html, re.S)[1]


def test_an_order_placed_in_turkish_reads_in_english_on_the_english_page(client, method, shirt):
    order = _placed_and_on_its_way(client, method, shirt, "tr")
    assert order.shipping_method == "Yurtiçi — Standart"  # the snapshot, as the customer read it

    english = _shop_written(_order_page(client, order, "en"))
    assert "Yurtiçi — Standard" in english
    assert "Reported by staff" in english
    assert "The recipient was not at the address." in english
    assert not [word for word in TURKISH_WORDS if word in english]

    turkish = _shop_written(_order_page(client, order, "tr"))
    assert "Yurtiçi — Standart" in turkish and "Personel bildirdi" in turkish
    assert "Alıcı adreste bulunamadı." in turkish
    assert not [word for word in ENGLISH_WORDS if word in turkish]

    # The customer's message about the failed delivery is in the order's language.
    problem = Message.objects.get(kind="order_delivery_problem", channel="email")
    assert "Alıcı adreste bulunamadı." in problem.body_text


def test_an_order_placed_in_english_reads_in_turkish_on_the_turkish_page(client, method, shirt):
    order = _placed_and_on_its_way(client, method, shirt, "en")
    assert order.shipping_method == "Yurtiçi — Standard"

    turkish = _shop_written(_order_page(client, order, "tr"))
    assert "Yurtiçi — Standart" in turkish
    assert "Personel bildirdi" in turkish and "Alıcı adreste bulunamadı." in turkish
    assert not [word for word in ENGLISH_WORDS if word in turkish]

    english = _shop_written(_order_page(client, order, "en"))
    assert "Reported by staff" in english
    assert not [word for word in TURKISH_WORDS if word in english]


def test_a_line_keeps_the_name_bought_with_the_current_translation_beside_it(client, method, shirt):
    with translation.override("tr"):
        add(client, shirt, 1)
        place(client, method)
    order = Order.objects.get()
    assert order.lines.get().product_name == "Keten gömlek"

    english = _items(_order_page(client, order, "en"))
    assert "1 × Keten gömlek" in english and "Current name: Linen shirt" in english
    # In the language it was bought in, the name is the same: nothing is added.
    turkish = _items(_order_page(client, order, "tr"))
    assert "1 × Keten gömlek" in turkish and "Güncel ad" not in turkish

    shirt.product.name_tr = "Keten gömlek (yeni sezon)"
    shirt.product.save()
    turkish = _items(_order_page(client, order, "tr"))
    assert "Güncel adı: Keten gömlek (yeni sezon)" in turkish


def test_existing_orders_get_their_shop_texts_back_in_english(method):
    """The data migration: the method found by the name kept, Turkish shop texts put back."""
    order = OrderFactory(shipping_method="Yurtiçi — Standart")
    order.shipping_method_names = {}
    order.save()
    unknown = OrderFactory(shipping_method="Eski Kargo — Hızlı")
    problem = OrderEvent.objects.create(
        order=order,
        to_status="out_for_delivery",
        kind="delivery_problem",
        note="Teslimat sorunu: Alıcı adreste bulunamadı.",
    )
    expired = OrderEvent.objects.create(
        order=order, to_status="cancelled", note="Ödeme zamanında tamamlanmadı."
    )
    shipped = OrderEvent.objects.create(order=order, to_status="shipped", note="Yurtiçi 12345")
    parcel = _parcel(order)
    staff = ShipmentEvent.objects.create(
        shipment=parcel,
        external_id="staff-1",
        status="in_transit",
        happened_at=parcel.shipped_at,
        description="Personel bildirdi",
    )
    carrier_words = ShipmentEvent.objects.create(
        shipment=parcel,
        external_id="c-1",
        status="in_transit",
        happened_at=parcel.shipped_at,
        description="Transfer merkezinde",
    )

    migration = importlib.import_module("orders.migrations.0013_shop_texts_in_every_language")
    migration.forwards(apps, None)

    order.refresh_from_db()
    assert order.shipping_method_names == {
        "tr": "Yurtiçi — Standart",
        "en": "Yurtiçi — Standard",
    }
    with translation.override("en"):
        assert order.shipping_method_label == "Yurtiçi — Standard"
    unknown.refresh_from_db()
    assert unknown.shipping_method_names == {}
    with translation.override("en"):
        assert unknown.shipping_method_label == "Eski Kargo — Hızlı"  # as kept
    for event in (problem, expired, shipped, staff, carrier_words):
        event.refresh_from_db()
    assert problem.note == "The recipient was not at the address."
    assert expired.note == "Payment was not completed in time."
    assert shipped.note == "Yurtiçi 12345"
    assert staff.description == "Reported by staff"
    assert carrier_words.description == "Transfer merkezinde"  # the carrier's own words


def _parcel(order: Order) -> Shipment:
    carrier = Carrier.objects.create(name="Yurtiçi")
    return Shipment.objects.create(order=order, carrier=carrier, tracking_number="M-1")
