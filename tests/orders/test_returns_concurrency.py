"""Returns racing each other on PostgreSQL: never more back than bought, one refund a return."""

import pytest
from django.test import Client
from django.urls import reverse

from orders import services
from orders.models import Return, ReturnLine
from orders.services import ReturnError
from payments.models import Refund
from tests.factories import StaffFactory, UserFactory

from .helpers import shipping_setup, stocked_variant
from .returns_helpers import delivered_order
from .test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_five_return_requests_at_once_for_two_units_return_exactly_two():
    shipping_setup()
    shirt = stocked_variant()
    order = delivered_order((shirt, 2))
    line = order.lines.get()

    results = run_together(
        lambda _: services.return_request(order=order, quantities={line.pk: 1}), range(5)
    )

    made = [r for r in results if isinstance(r, Return)]
    refused = [r for r in results if isinstance(r, ReturnError)]
    assert (len(made), len(refused)) == (2, 3), results
    assert sum(ReturnLine.objects.values_list("quantity", flat=True)) == 2
    assert sorted(r.number for r in made) == [f"{order.number}-R1", f"{order.number}-R2"]


def test_two_staff_clicking_refund_at_once_refund_once():
    shipping_setup()
    shirt = stocked_variant()
    order = delivered_order((shirt, 2), user=UserFactory(verified=True))  # chose credit
    order_return = services.return_request(
        order=order, quantities={order.lines.get().pk: 1}, refund_to="store_credit"
    )
    services.return_receive(
        order_return=order_return, restock={order_return.lines.get().pk: "sellable"}
    )
    staff = StaffFactory()
    act = reverse("admin:orders_return_act", args=[order_return.pk])

    def click(_: object) -> int:
        client = Client()
        client.force_login(staff)
        return client.post(act, {"act": "refund"}).status_code

    assert run_together(click, range(2)) == [302, 302]
    refund = Refund.objects.get()
    assert refund.amount == order_return.amount and refund.status == "succeeded"
    assert Return.objects.get().refund == refund
