"""The delivery promise from product page to doorstep: the dates across a weekend, a bayram with
its eve and the cut-off minute; shown on the product page, in the cart, per method at checkout,
stored on the order at placement and shown on its page, in My orders and in its messages."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from crm.notifications.models import Message
from orders import selectors, services
from orders.models import Carrier, Order, ShippingMethod, ShippingRate, ShippingRegion
from payments.services import payment_start
from shop import pagecache
from shop.models import CalendarDay
from shop.services import calendar_seed
from tests.factories import ProductFactory, UserFactory, VariantFactory
from tests.orders.helpers import cart_with, place, signed_in_client
from tests.orders.returns_helpers import delivered_order
from tests.orders.test_pages import add, checkout_form, guest_form

pytestmark = pytest.mark.django_db
ISTANBUL = ZoneInfo("Europe/Istanbul")


def at(year: int, month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=ISTANBUL)


def method(name: str, low: int, high: int, *, position: int = 0) -> ShippingMethod:
    carrier = Carrier.objects.create(name=f"Kargo {name}")
    made = ShippingMethod.objects.create(
        carrier=carrier,
        name_tr=name,
        name_en=name,
        days_min=low,
        days_max=high,
        position=position,
    )
    region = ShippingRegion.objects.create(name="Türkiye", countries="TR")
    ShippingRate.objects.create(
        method=made, region=region, max_weight_grams=30000, price=Decimal("49.90")
    )
    return made


def window(promise) -> tuple[date, date, date]:
    return promise.ships_on, promise.earliest, promise.latest


def test_a_weekend_does_not_count_and_the_cut_off_minute_moves_the_promise_on():
    # Friday 4 December 2026: before 15:00 it leaves today, from 15:00 on Monday.
    before = selectors.delivery_promise(days_min=2, days_max=4, now=at(2026, 12, 4, 14, 59, 59))
    assert window(before) == (date(2026, 12, 4), date(2026, 12, 8), date(2026, 12, 10))
    at_cutoff = selectors.delivery_promise(days_min=2, days_max=4, now=at(2026, 12, 4, 15))
    assert window(at_cutoff) == (date(2026, 12, 7), date(2026, 12, 9), date(2026, 12, 11))
    # Saturday and Sunday: the same as after Friday's cut-off.
    saturday = selectors.delivery_promise(days_min=2, days_max=4, now=at(2026, 12, 5, 11))
    assert window(saturday) == window(at_cutoff)


def test_a_bayram_eve_cuts_off_earlier_and_its_holidays_are_skipped():
    calendar_seed(year=2027)
    # Monday 8 March 2027 is Ramazan Bayramı's eve (closes 13:00, so the cut-off is 10:00);
    # Tuesday to Thursday are the bayram; Friday 12 works.
    morning = selectors.delivery_promise(days_min=2, days_max=4, now=at(2027, 3, 8, 9, 30))
    assert window(morning) == (date(2027, 3, 8), date(2027, 3, 15), date(2027, 3, 17))
    assert morning.order_by == at(2027, 3, 8, 10)
    late_morning = selectors.delivery_promise(days_min=2, days_max=4, now=at(2027, 3, 8, 10, 30))
    assert window(late_morning) == (date(2027, 3, 12), date(2027, 3, 16), date(2027, 3, 18))
    # A day staff close the warehouse is skipped too.
    CalendarDay.objects.create(date=date(2027, 3, 12), kind="closed", name="Sayım")
    counted = selectors.delivery_promise(days_min=2, days_max=4, now=at(2027, 3, 8, 10, 30))
    assert window(counted) == (date(2027, 3, 15), date(2027, 3, 17), date(2027, 3, 19))


def product_page(client, variant) -> str:
    response = client.get(variant.product.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_product_page_promises_the_first_method_and_nothing_when_out_of_stock(client):
    method("Standart", 2, 4)
    in_stock = VariantFactory(on_hand=5)
    sold_out = VariantFactory(on_hand=0)
    download = VariantFactory(product=ProductFactory(kind="digital"), on_hand=0)
    with time_machine.travel(at(2026, 12, 7, 11, 40), tick=False):  # Monday
        html = product_page(client, in_stock)
        assert 'id="delivery-promise"' in html
        assert "Order before 15:00" in html
        assert "and it arrives <strong>Wednesday 9 – Friday 11 December</strong>" in html
        assert 'data-order-by="2026-12-07T15:00:00+03:00"' in html  # the countdown's target
        assert "delivery-promise" not in product_page(client, sold_out)
        assert "Yours at once" in product_page(client, download)


def test_the_cached_product_page_moves_on_at_the_cut_off_and_at_midnight(client):
    method("Standart", 2, 4)
    variant = VariantFactory(on_hand=5)
    with time_machine.travel(at(2026, 12, 7, 14, 58), tick=False):
        services.promise_pages_refresh()
        assert "Order before 15:00" in product_page(client, variant)
    with time_machine.travel(at(2026, 12, 7, 15, 0, 30), tick=False):
        # Until the job runs the cached page stands (its script says the cut-off passed)...
        assert "Order before 15:00" in product_page(client, variant)
        assert services.promise_pages_refresh() is True
        html = product_page(client, variant)
        assert "Order before Tuesday 15:00" in html
        assert "Thursday 10 – Monday 14 December" in html
        assert services.promise_pages_refresh() is False  # a second run changes nothing
    with time_machine.travel(at(2026, 12, 8, 0, 0, 30), tick=False):
        tokens = pagecache.versions([pagecache.DELIVERY])
        assert services.promise_pages_refresh() is True
        assert pagecache.versions([pagecache.DELIVERY]) != tokens
        assert "Order before 15:00" in product_page(client, variant)


def test_the_cart_and_checkout_show_each_methods_promise_and_the_order_keeps_it(client):
    standard = method("Standart", 2, 4, position=0)
    express = method("Hızlı", 1, 1, position=1)
    variant = VariantFactory(on_hand=5, weight_grams=500)
    with time_machine.travel(at(2026, 12, 4, 14, 30), tick=False):  # Friday before the cut-off
        add(client, variant)
        cart = client.get(reverse("orders:cart")).content.decode()
        assert "and it arrives <strong>Tuesday 8 – Thursday 10 December</strong>" in cart
        data = guest_form(standard)
        response, hidden = checkout_form(client, data)
        html = response.content.decode()
        assert f'id="method-promise-{standard.pk}">arrives Tuesday 8 – Thursday 10 December' in (
            html
        )
        assert f'id="method-promise-{express.pk}">arrives Monday 7 December' in html
        placed = client.post(reverse("orders:checkout"), {**hidden, **data})
        assert placed.status_code == 302
    order = Order.objects.get()
    assert (order.promised_ship_by, order.promised_from, order.promised_to) == (
        date(2026, 12, 4),
        date(2026, 12, 8),
        date(2026, 12, 10),
    )
    # Staff slow the method down and close a day afterwards: what was promised stays.
    ShippingMethod.objects.filter(pk=standard.pk).update(days_min=5, days_max=9)
    CalendarDay.objects.create(date=date(2026, 12, 8), kind="closed", name="Sayım")
    order.refresh_from_db()
    assert (order.promised_from, order.promised_to) == (date(2026, 12, 8), date(2026, 12, 10))
    page = client.get(placed.url).content.decode()
    assert "hand it to the carrier by Friday 4 December." in page
    assert 'id="order-promise"' in page
    assert "Arrives <strong>Tuesday 8 – Thursday 10 December</strong>" in page


def test_my_orders_and_the_confirmation_messages_carry_the_promise():
    method("Standart", 2, 4)
    user = UserFactory(language="en", verified=True)
    variant = VariantFactory(on_hand=5)
    with time_machine.travel(at(2026, 12, 4, 10), tick=False):
        order = place(cart_with((variant, 1), user=user), language="en")
        payment_start(payment=order.payments.first())  # cash on delivery: confirmed
    assert order.promised_to == date(2026, 12, 10)
    html = signed_in_client(user).get(reverse("orders:order_list")).content.decode()
    assert "Arrives Tuesday 8 – Thursday 10 December" in html
    confirmed = Message.objects.get(kind="order_confirmed", channel="email")
    assert "Arrives Tuesday 8 – Thursday 10 December." in confirmed.body_text
    sms = Message.objects.get(kind="order_confirmed", channel="sms")
    assert "Arrives Tuesday 8 – Thursday 10 December." in sms.body_text


def test_an_order_of_downloads_promises_nothing_to_ship_and_says_at_once(client):
    method("Standart", 2, 4)
    download = VariantFactory(product=ProductFactory(kind="digital"), on_hand=0)
    add(client, download)
    cart = client.get(reverse("orders:cart")).content.decode()
    assert "Yours at once" in cart
    order = place(cart_with((download, 1)), shipping_address=None, payment_method="card")
    assert order.promised_to is None and order.promised_ship_by is None


def test_the_promise_after_placement_ignores_a_later_change_even_in_messages():
    standard = method("Standart", 2, 4)
    variant = VariantFactory(on_hand=5)
    with time_machine.travel(at(2026, 12, 4, 10), tick=False):
        order = place(cart_with((variant, 1)))
    ShippingMethod.objects.filter(pk=standard.pk).update(days_min=6, days_max=8)
    with time_machine.travel(at(2026, 12, 5, 10), tick=False):
        assert selectors.delivery_promise(days_min=6, days_max=8).latest > order.promised_to
    order.refresh_from_db()
    assert order.promised_to == date(2026, 12, 10)
    assert order.promised_days_min == 2 and order.promised_days_max == 4


def test_the_cut_off_and_working_days_are_settings(settings):
    settings.WAREHOUSE_CUTOFF = "12:00"
    settings.WAREHOUSE_WORKING_WEEKDAYS = [0, 1, 2, 3, 4, 5]  # Saturdays too
    noon = selectors.delivery_promise(days_min=1, days_max=1, now=at(2026, 12, 4, 12))
    assert window(noon) == (date(2026, 12, 5), date(2026, 12, 7), date(2026, 12, 7))
    assert noon.order_by.time() == time(12)
    assert noon.left(at(2026, 12, 4, 12)) == timedelta(days=1)


def test_a_replacement_is_promised_when_it_goes_to_the_warehouse():
    shipping = method("Standart", 2, 4)
    medium = VariantFactory(on_hand=5, price=Decimal("100.00"))
    large = VariantFactory(product=medium.product, on_hand=5, price=Decimal("100.00"))
    order = delivered_order((medium, 2), user=UserFactory(verified=True))
    assert (order.promised_days_min, order.promised_days_max) == (
        shipping.days_min,
        shipping.days_max,
    )
    # Sent again at once (the complaint desk): promised from the moment it is made.
    monday = at(2026, 12, 14, 10)
    with time_machine.travel(monday, tick=False):
        again = services.replacement_order_create(
            order=order, lines={order.lines.get().pk: 1}, key="complaint-1"
        )
    assert (again.promised_from, again.promised_to) == (date(2026, 12, 16), date(2026, 12, 18))
    # An exchange: nothing promised while it waits for the return, then from its arrival on.
    line = order.lines.get()
    order_return = services.exchange_request(
        order=order,
        items=[services.ExchangeItem(order_line_id=line.pk, quantity=1, variant_id=large.pk)],
        reason_code="wrong_size",
        key="form-1",
    )
    held = order_return.replacement
    assert held.promised_to is None
    with time_machine.travel(at(2026, 12, 15, 16), tick=False):  # Tuesday after the cut-off
        services.return_receive(
            order_return=order_return,
            restock={returned.pk: "sellable" for returned in order_return.lines.all()},
        )
    held.refresh_from_db()
    assert (held.promised_ship_by, held.promised_from, held.promised_to) == (
        date(2026, 12, 16),
        date(2026, 12, 18),
        date(2026, 12, 22),
    )
