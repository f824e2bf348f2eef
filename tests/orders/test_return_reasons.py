"""Why items come back: an optional reason code on each return, asked on the return form,
filtered in the returns admin and counted."""

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import translation

from orders import services
from orders.models import Return
from orders.services import ReturnError
from tests.factories import StaffFactory, UserFactory

from .helpers import shipping_setup, signed_in_client, stocked_variant
from .returns_helpers import delivered_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    shipping_setup()
    with translation.override("en"):
        yield


def _ask(browser, order, variant, **data: str):
    line = order.lines.get(variant=variant)
    return browser.post(
        reverse("orders:return", args=[order.number]), {f"quantity_{line.pk}": "1", **data}
    )


def test_the_customer_gives_a_reason_or_none_and_reasons_are_counted():
    customer = UserFactory(verified=True, language="en")
    browser = signed_in_client(customer)
    shirt = stocked_variant()
    orders = [delivered_order((shirt, 1), user=customer, language="en") for _ in range(4)]

    form = browser.get(reverse("orders:return", args=[orders[0].number])).content.decode()
    assert 'name="reason_code"' in form and "Wrong size or fit" in form
    assert "<label" in form and 'for="id_reason_code"' in form

    _ask(browser, orders[0], shirt, reason_code="wrong_size")
    _ask(browser, orders[1], shirt, reason_code="wrong_size")
    _ask(browser, orders[2], shirt, reason_code="damaged")
    _ask(browser, orders[3], shirt)  # a withdrawal owes no reason

    counted = dict(
        Return.objects.values_list("reason_code")
        .annotate(n=Count("pk"))
        .values_list("reason_code", "n")
    )
    assert counted == {"wrong_size": 2, "damaged": 1, "": 1}
    assert all(r.kind == "withdrawal" for r in Return.objects.all())


def test_an_unknown_reason_is_refused_and_nothing_changes():
    shirt = stocked_variant()
    order = delivered_order((shirt, 1))
    with pytest.raises(ReturnError, match="Choose one of the reasons"):
        services.return_request(
            order=order, quantities={order.lines.get().pk: 1}, reason_code="bored"
        )
    assert not Return.objects.exists()


def test_staff_filter_returns_by_reason(client):
    shirt = stocked_variant()
    for code in ("late", "wrong_item", "late"):
        order = delivered_order((shirt, 1))
        services.return_request(order=order, quantities={order.lines.get().pk: 1}, reason_code=code)
    client.force_login(StaffFactory())
    page = client.get(reverse("admin:orders_return_changelist"), {"reason_code": "late"})
    assert page.status_code == 200
    html = page.content.decode()
    late = Return.objects.filter(reason_code="late")
    assert all(r.number in html for r in late)
    assert Return.objects.get(reason_code="wrong_item").number not in html
    assert "Arrived too late" in html
