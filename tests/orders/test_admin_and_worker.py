"""Staff see orders in the admin and cancel them through the status machine; the periodic
expiry job runs on the real Celery worker."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.notifications.models import Message
from orders.models import Coupon, Order
from orders.tasks import expire_unpaid_orders
from tests.conftest import wait_until
from tests.factories import StaffFactory
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant


@pytest.mark.django_db
def test_staff_find_the_order_with_lines_events_and_documents_and_cancel_it(client):
    shipping_setup()
    variant = stocked_variant(on_hand=4)
    order = place(cart_with((variant, 3)))
    staff = StaffFactory()
    client.force_login(staff)

    listing = client.get(reverse("admin:orders_order_changelist"), {"q": order.number})
    assert order.number in listing.content.decode()
    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert order.lines.get().product_name in page and "MESAFELİ SATIŞ SÖZLEŞMESİ" in page

    response = client.post(
        reverse("admin:orders_order_changelist"),
        {"action": "cancel_orders", "_selected_action": [order.pk]},
        follow=True,
    )
    assert response.status_code == 200
    order.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == "cancelled" and order.cancel_reason == "staff"
    assert order.events.filter(to_status="cancelled", actor=staff).exists()
    assert variant.allocated == 0
    assert Message.objects.filter(kind="order_cancelled", subject_id=str(order.pk)).exists()


@pytest.mark.django_db
def test_coupon_admin_pages_open(client):
    Coupon.objects.create(code="ADMIN5", kind="fixed", value=5)
    client.force_login(StaffFactory())
    assert client.get(reverse("admin:orders_coupon_changelist")).status_code == 200
    assert client.get(reverse("admin:orders_coupon_add")).status_code == 200


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_worker_expires_an_unpaid_order_and_frees_its_stock(celery_worker):
    shipping_setup()
    variant = stocked_variant(on_hand=5)
    order = place(cart_with((variant, 2)))  # payment never started: still pending_payment
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    expire_unpaid_orders.delay()
    expire_unpaid_orders.delay()  # the job running twice changes nothing more

    assert wait_until(lambda: Order.objects.get(pk=order.pk).status == "cancelled")
    assert wait_until(
        lambda: Message.objects.filter(kind="order_cancelled", channel="email").count() == 1
    )
    variant.refresh_from_db()
    assert variant.allocated == 0 and variant.on_hand == 5
    assert Order.objects.get(pk=order.pk).cancel_reason == "expired"
