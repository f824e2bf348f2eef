"""On time, or told first: the promise watch tells the customer once, with a new estimate and an
apology, only when an order will miss its promise; staff see it in the late list."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse

from crm.notifications.models import Message
from crm.notifications.services import push_subscription_save
from orders import selectors, services, tasks
from orders.carriers import TrackingUpdate
from orders.models import Order, OrderEvent, ShippingMethod
from tests.factories import StaffFactory, UserFactory
from tests.orders.fulfilment_helpers import packed_order
from tests.orders.helpers import shipping_setup, stocked_variant, told

pytestmark = pytest.mark.django_db
ISTANBUL = ZoneInfo("Europe/Istanbul")


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=ISTANBUL)


def watch(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return tasks.watch_promises()


def late_order(**overrides) -> Order:
    """A cash-on-delivery order placed Monday 7 December 2026 at 10:00 with a 2–4 day method:
    ships by Monday, arrives Wednesday 9 – Friday 11 December."""
    if not ShippingMethod.objects.exists():
        method = shipping_setup()
        ShippingMethod.objects.filter(pk=method.pk).update(days_min=2, days_max=4)
    with time_machine.travel(at(12, 7, 10), tick=False):
        order = packed_order((stocked_variant(), 1), language="en", **overrides)
    assert (order.promised_ship_by, order.promised_from, order.promised_to) == (
        date(2026, 12, 7),
        date(2026, 12, 9),
        date(2026, 12, 11),
    )
    return order


def ship(order: Order, moment: datetime, number: str = "YK1"):
    with time_machine.travel(moment, tick=False):
        return services.order_ship(order=order, carrier=order_carrier(), tracking_number=number)


def order_carrier():
    return ShippingMethod.objects.select_related("carrier").first().carrier


def test_an_order_not_shipped_by_its_ship_day_is_told_once_with_a_new_estimate(
    django_capture_on_commit_callbacks,
):
    order = late_order()
    assert watch(at(12, 7, 23, 59)) == 0  # the ship day is not over yet
    with django_capture_on_commit_callbacks(execute=True):
        assert watch(at(12, 8, 9)) == 1
    order.refresh_from_db()
    # Ordered now (Tuesday 09:00) it would arrive Thursday 10 – Monday 14 December.
    assert order.estimated_to == date(2026, 12, 14)
    assert order.promised_to == date(2026, 12, 11)  # the promise itself never changes
    assert told(order, "order_late") == {("email", order.email), ("sms", order.phone)}
    email = Message.objects.get(kind="order_late", channel="email")
    assert "will not arrive by the day we promised (Wednesday 9 – Friday 11 December)" in (
        email.body_text
    )
    assert "It should now arrive by Monday 14 December" in email.body_text
    assert email.category == "transactional"
    late = OrderEvent.objects.get(order=order, kind="late")
    assert late.from_status == late.to_status == "packed"
    # Once: later runs, even as the order slips further, tell nobody again.
    assert watch(at(12, 9, 9)) == 0
    assert watch(at(12, 10, 9)) == 0
    assert Message.objects.filter(kind="order_late").count() == 2  # one email, one SMS


def test_an_order_shipped_in_time_and_moving_is_never_told():
    order = late_order()
    parcel = ship(order, at(12, 7, 16))
    with time_machine.travel(at(12, 8, 12), tick=False):
        services.shipment_track(
            shipment=parcel,
            update=TrackingUpdate("YK1", "ev-1", "in_transit", at(12, 8, 11)),
        )
    for moment in (at(12, 8, 9), at(12, 9, 9), at(12, 10, 9)):
        assert watch(moment) == 0
    with time_machine.travel(at(12, 11, 15), tick=False):
        services.shipment_track(
            shipment=parcel,
            update=TrackingUpdate("YK1", "ev-2", "delivered", at(12, 11, 14)),
        )
    assert watch(at(12, 11, 20)) == 0
    assert watch(at(12, 14, 9)) == 0
    assert not Message.objects.filter(kind="order_late").exists()


def test_a_delivery_problem_late_in_the_window_adds_days_past_the_promise():
    order = late_order()
    parcel = ship(order, at(12, 7, 16))
    with time_machine.travel(at(12, 9, 12), tick=False):
        services.shipment_track(
            shipment=parcel,
            update=TrackingUpdate("YK1", "ev-1", "exception", at(12, 9, 11), "Adres bulunamadı"),
        )
    # A problem on Wednesday: a day later is Thursday, inside the promise — not late yet.
    assert watch(at(12, 9, 13)) == 0
    with time_machine.travel(at(12, 11, 12), tick=False):
        services.shipment_track(
            shipment=parcel,
            update=TrackingUpdate("YK1", "ev-2", "exception", at(12, 11, 11), "Adres bulunamadı"),
        )
    assert watch(at(12, 11, 13)) == 1  # Friday's problem: Monday at the earliest
    order.refresh_from_db()
    assert order.estimated_to == date(2026, 12, 14)


def test_a_parcel_without_movement_is_late_only_once_the_promise_cannot_be_kept(settings):
    settings.DELIVERY_STALL_HOURS = 24
    order = late_order()
    ship(order, at(12, 7, 16))
    # No report since Monday 16:00: on Tuesday evening a day more still makes Friday.
    assert watch(at(12, 8, 20)) == 0
    assert watch(at(12, 10, 20)) == 0  # Thursday: Friday still possible
    assert watch(at(12, 11, 9)) == 1  # Friday: one more day is Monday
    order.refresh_from_db()
    assert order.estimated_to == date(2026, 12, 14)


def test_staff_see_the_promise_and_the_late_orders_in_the_orders_list(admin_client):
    on_time = late_order()
    slipping = late_order()
    ship(on_time, at(12, 7, 16), number="YK2")
    assert watch(at(12, 8, 9)) == 1
    url = reverse("admin:orders_order_changelist")
    response = admin_client.get(url, {"late": "promise"})
    assert response.status_code == 200
    page = response.content.decode()
    assert slipping.number in page and on_time.number not in page
    assert "late: now Monday 14 December" in page
    with time_machine.travel(at(12, 8, 9), tick=False):
        late_to_ship = admin_client.get(url, {"late": "yes"}).content.decode()
    assert slipping.number in late_to_ship and on_time.number not in late_to_ship
    assert list(selectors.orders_late(now=at(12, 8, 9), days=2)) == [slipping]


def test_cancelled_and_delivered_orders_are_left_alone():
    cancelled = late_order()
    services.order_step(order=cancelled, to="cancelled")
    assert watch(at(12, 10, 9)) == 0
    assert not Order.objects.filter(late_noticed_at__isnull=False).exists()


def deliver(parcel, moment: datetime, event_id: str) -> None:
    with time_machine.travel(moment, tick=False):
        services.shipment_track(
            shipment=parcel,
            update=TrackingUpdate(parcel.tracking_number, event_id, "delivered", moment),
        )


def test_the_promise_report_gives_the_on_time_rate_by_carrier_and_method(client):
    first = late_order()
    second = late_order()
    deliver(ship(first, at(12, 7, 16), number="YK1"), at(12, 11, 18), "d-1")  # Friday: on time
    deliver(ship(second, at(12, 7, 16), number="YK2"), at(12, 14, 10), "d-2")  # Monday: late
    report = selectors.on_time_report(start=date(2026, 12, 1), end=date(2026, 12, 31))
    assert (report.total.delivered, report.total.on_time, str(report.total.rate)) == (2, 1, "50.0")
    assert [(row.label, row.rate) for row in report.by_carrier] == [("Yurtiçi", 50)]
    assert [row.label for row in report.by_method] == ["Yurtiçi — Standard"]

    url = reverse("admin:orders_promisereport_changelist")
    client.force_login(StaffFactory(is_superuser=False))  # a member of no group
    assert client.get(url).status_code == 403
    manager = StaffFactory(is_superuser=False)
    manager.user_permissions.add(
        Permission.objects.get(content_type__app_label="orders", codename="view_promisereport")
    )
    client.force_login(manager)
    page = client.get(url, {"start": "2026-12-01", "end": "2026-12-31"}).content.decode()
    assert "On time: 50.0% (1 of 2 parcels)" in page
    assert 'id="by-carrier"' in page and "Yurtiçi" in page
    refused = client.get(url, {"start": "2026-12-31", "end": "2026-12-01"})
    assert refused.status_code == 200
    assert "The start date must not be after the end date." in refused.content.decode()


def test_a_customer_who_turned_on_browser_notifications_gets_the_late_notice_as_a_push(
    fake_push, django_capture_on_commit_callbacks
):
    customer = UserFactory(verified=True, language="en")
    browser = fake_push.browser()
    push_subscription_save(user=customer, subscription=browser.subscription(), source="order_page")
    order = late_order(user=customer)
    # Sent at once (on commit), while the clock still reads Tuesday morning.
    with (
        time_machine.travel(at(12, 8, 9), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.watch_promises() == 1
    [push] = fake_push.pushes_to(browser)
    assert fake_push.rejections == []
    assert push.payload["title"] == f"Your order {order.number} is running late — we are sorry"
    assert push.payload["body"] == (
        "Now expected by Monday 14 December (it is running late; we are sorry)."
    )
    assert push.payload["url"].endswith(f"/orders/{order.number}/")
