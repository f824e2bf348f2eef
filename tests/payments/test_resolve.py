"""Flagged payments are resolved by staff: a cash typo (3000 for 300) is corrected, a card
captured for another amount is accepted; the flag clears, refunds and returns work again."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from orders import services as order_services
from orders.models import Order
from orders.tasks import poll_carriers
from payments.exceptions import PaymentError
from payments.interface import Outcome, ProviderResult
from payments.models import Payment, PaymentEvent, Refund
from payments.services import (
    Operation,
    payment_collect_cash,
    payment_create,
    payment_record,
    payment_resolve,
    refund_reserve,
)
from payments.states import PaymentStatus
from shop.audit import audit_trail
from tests.factories import OrderFactory, StaffFactory, UserFactory
from tests.orders.fulfilment_helpers import packed_order, simulated_carrier
from tests.orders.helpers import stocked_variant

pytestmark = pytest.mark.django_db


def _delivered_cod_order(customer) -> Order:
    """A cash-on-delivery order shipped and delivered, its cash not recorded yet."""
    from tests.orders.helpers import shipping_setup

    shipping_setup()
    order = packed_order((stocked_variant(), 2), user=customer)
    order_services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="RS-1")
    for _ in range(3):
        poll_carriers()
    return Order.objects.get(pk=order.pk)


def _line(order: Order):
    return order.lines.get()


def test_a_cash_typo_is_corrected_and_then_refunds_and_the_return_refund_work():
    customer = UserFactory(verified=True)
    order = _delivered_cod_order(customer)
    payment = order.payments.get()
    due = payment.amount
    typo = due * 10
    staff = StaffFactory()

    payment = payment_collect_cash(payment=payment, amount=typo, by=staff)
    assert payment.needs_review and payment.status == PaymentStatus.COD_DUE
    payment_collect_cash(payment=payment, amount=due, by=staff)  # the fix: swallowed
    with pytest.raises(PaymentError):
        refund_reserve(payment=payment, amount=Decimal("1.00"))
    order.refresh_from_db()
    assert order.needs_review

    with pytest.raises(PaymentError, match="really taken"):
        payment_resolve(payment=payment, resolution="correct", reason="typo", by=staff)
    payment = payment_resolve(
        payment=payment,
        resolution="correct",
        amount=due,
        reason="The courier collected the amount due; typed one zero too many",
        by=staff,
        key="k1",
    )

    order.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and not payment.needs_review
    assert (order.payment_status, order.needs_review) == (PaymentStatus.PAID, False)
    correction = payment.events.get(kind=PaymentEvent.Kind.CORRECTION)
    assert correction.amount == typo - due and correction.created_by == staff
    assert payment.taken() == due and payment.refundable() == due
    assert not Refund.objects.filter(payment=payment).exists()  # nothing over-collected
    entry = audit_trail(target=payment).get()
    assert (entry.action, entry.actor) == ("payment.resolve.correct", staff)
    assert entry.details["recorded"] == str(typo) and entry.details["taken"] == str(due)
    with pytest.raises(PaymentError, match="nothing to resolve"):
        payment_resolve(payment=payment, resolution="accept", reason="again", by=staff)

    # The goods come back: the return's refund is reserved against the corrected amount.
    order_return = order_services.return_request(
        order=order, quantities={_line(order).pk: 1}, by=customer, refund_to="store_credit"
    )
    order_services.return_receive(
        order_return=order_return, restock={order_return.lines.get().pk: "sellable"}, by=staff
    )
    order_return = order_services.return_refund(order_return=order_return, by=staff)
    assert order_return.refund.status == Refund.Status.SUCCEEDED  # to the balance, as chosen
    payment.refresh_from_db()
    assert payment.refundable() == due - order_return.amount


def test_accepting_cash_over_the_due_amount_refunds_the_difference():
    customer = UserFactory(verified=True)
    order = _delivered_cod_order(customer)
    payment = order.payments.get()
    due = payment.amount
    staff = StaffFactory()
    payment_collect_cash(payment=payment, amount=due + Decimal("50.00"), by=staff)

    payment = payment_resolve(
        payment=payment, resolution="accept", reason="Customer paid 50 more", by=staff, key="k"
    )

    refund = payment.refunds.get()
    assert refund.amount == Decimal("50.00")
    payment.refresh_from_db()
    assert not payment.needs_review
    assert payment.refundable() == due


def _card_captured(amount: Decimal, due: Decimal = Decimal("100.00")) -> Payment:
    order = OrderFactory(payment_method="card", total=due)
    payment = payment_create(order=order, method="card", amount=due, currency="TRY")
    return payment_record(
        payment_id=payment.pk,
        result=ProviderResult(Outcome.CAPTURED, amount, currency="TRY", reference="pi_other"),
        operation=Operation.CAPTURE,
        operation_key=f"payment-{payment.pk}-capture",
    )


def test_a_card_captured_for_less_is_accepted_and_the_order_says_what_is_owed():
    payment = _card_captured(Decimal("90.00"))
    assert payment.needs_review and payment.status == PaymentStatus.UNPAID
    staff = StaffFactory()

    payment = payment_resolve(
        payment=payment, resolution="accept", reason="Partial capture at the bank", by=staff
    )

    order = Order.objects.get(pk=payment.order_id)
    assert payment.status == PaymentStatus.PAID and not payment.needs_review
    assert order.payment_status == PaymentStatus.PAID
    assert order.needs_review and "₺10.00 is still owed" in order.review_note
    assert payment.refundable() == Decimal("90.00")
    assert audit_trail(target=payment).get().details["owed"] == "10.00"
    # It can be refunded now (reserved: the card refund goes to Stripe, not reached here).
    refund = refund_reserve(payment=payment, amount=Decimal("90.00"), by=staff)
    assert refund.status == Refund.Status.RESERVED


def _staff_with(*codenames: str):
    user = StaffFactory(is_superuser=False)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="payments", codename__in=codenames),
        *Permission.objects.filter(codename__in=["view_payment", "view_order"]),
    )
    return user


def test_resolve_in_the_admin_needs_its_own_permission(client):
    payment = _card_captured(Decimal("120.00"))
    url = reverse("admin:payments_payment_resolve", args=[payment.pk])
    change = reverse("admin:payments_payment_change", args=[payment.pk])

    client.force_login(_staff_with("refund_payment", "record_cash"))
    assert 'id="resolve-link"' not in client.get(change).content.decode()
    client.post(url, {"resolution": "accept", "reason": "ok"})
    payment.refresh_from_db()
    assert payment.needs_review and payment.status == PaymentStatus.UNPAID

    client.force_login(_staff_with("resolve_payment"))
    assert 'id="resolve-link"' in client.get(change).content.decode()
    order_page = reverse("admin:orders_order_change", args=[payment.order_id])
    assert f'id="resolve-{payment.pk}"' in client.get(order_page).content.decode()
    refused = client.post(url, {"resolution": "correct", "reason": "typo"})
    assert "Enter the amount that was really taken" in refused.content.decode()
    done = client.post(url, {"resolution": "accept", "reason": "Customer agreed", "key": "x"})
    assert done.status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and not payment.needs_review
    assert payment.refunds.get().amount == Decimal("20.00")  # over-collected: given back
