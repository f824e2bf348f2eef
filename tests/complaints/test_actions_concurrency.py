"""A refund action clicked twice at once refunds once: against the fake Stripe server for a card
order (through the ticket's admin endpoint, as two browsers would post it) and for an order
paid from the prepaid balance; the refund shows in the order's payments and the ticket's
history. Each thread has its own database connection (run_together closes it)."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from complaints.models import ResolutionAction, TicketEvent
from complaints.services.actions import resolution_request
from orders.models import Order
from payments.models import Payment, Refund
from payments.services import balance_of
from shop.models import AuditEntry
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant
from tests.orders.test_concurrency import run_together
from tests.payments.browser_stand_in import fake_stripe as stripe_client
from tests.payments.test_card import _pay

from .actions_helpers import agent, balance_order, ticket_about, token

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _card_order() -> Order:
    from tests.factories import UserFactory

    shipping_setup()
    customer = UserFactory(verified=True)
    order = place(
        cart_with((stocked_variant(price="100.00"), 2), user=customer), payment_method="card"
    )
    return order


@pytest.mark.stripe
def test_a_card_refund_clicked_twice_at_once_refunds_once_at_stripe(fake_stripe):
    order = _card_order()
    payment = _pay(fake_stripe, order.payments.get())
    assert payment.status == "paid"
    ticket = ticket_about(Order.objects.get(pk=order.pk))
    line = order.lines.get()
    ayse = agent(refund="500.00")
    url = reverse("admin:complaints_resolutionaction_resolve", args=[ticket.pk])
    form = {"kind": "refund", "key": token(), "reason": "Kırık geldi", f"line-{line.pk}": "1"}

    def click(_: object) -> int:
        client = Client()
        client.force_login(ayse)
        return client.post(url, form).status_code

    assert run_together(click, range(2)) == [302, 302]

    action = ResolutionAction.objects.get()
    refund = Refund.objects.get()
    assert (action.status, action.amount) == ("done", Decimal("100.00"))
    assert refund.payment == payment and refund.payment.order_id == order.pk
    assert (refund.status, refund.amount) == ("succeeded", Decimal("100.00"))
    assert refund.request_key == f"complaint-action-{action.pk}"
    at_stripe = stripe_client(fake_stripe).v1.refunds.list({"payment_intent": payment.reference})
    assert [r.amount for r in at_stripe.data] == [10000]
    assert Payment.objects.get(pk=payment.pk).status == "partially_refunded"
    history = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert history.count("action_requested") == 1 and history[-1] == "action_done"
    assert AuditEntry.objects.filter(action="complaint.action.refund").count() == 1


def test_a_balance_refund_requested_twice_at_once_goes_back_once():
    order = balance_order()
    ticket = ticket_about(order)
    ayse, key = agent(refund="1000.00"), token()
    before = balance_of(user_id=order.user_id)

    def request(_: object) -> int:
        return resolution_request(
            ticket=ticket, by=ayse, kind="refund", key=key, reason="Gecikme", amount="60"
        ).pk

    results = run_together(request, range(2))

    assert len(set(results)) == 1 and isinstance(results[0], int), results
    assert ResolutionAction.objects.get().status == "done"
    assert Refund.objects.get().amount == Decimal("60.00")
    assert balance_of(user_id=order.user_id) == before + Decimal("60.00")


def test_the_replacement_service_twice_at_once_with_one_key_makes_one_order():
    from catalog.models import Variant
    from orders.services import replacement_order_create

    order = balance_order()
    line = order.lines.order_by("pk").first()
    allocated = Variant.objects.get(pk=line.variant_id).allocated

    results = run_together(
        lambda _: replacement_order_create(order=order, lines={line.pk: 1}, key="same-key").pk,
        range(2),
    )

    assert len(set(results)) == 1 and isinstance(results[0], int), results
    assert Order.objects.filter(replacement_for=order).count() == 1
    assert Variant.objects.get(pk=line.variant_id).allocated == allocated + 1
