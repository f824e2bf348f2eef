"""Cash on delivery at the door: staff record what the courier collected on the order's page.

Recording needs its own permission; another amount than due is flagged on the payment and the
order for staff; a double submit or two staff members at once record the cash once.
"""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from orders.models import Order
from payments.exceptions import PaymentError
from payments.models import PaymentEvent
from payments.services import (
    payment_collect_cash,
    payment_create,
    payment_start,
)
from payments.states import PaymentStatus
from tests.factories import OrderFactory, StaffFactory
from tests.orders.test_concurrency import run_together

DUE = Decimal("300.00")


def _cod_due(user=None):
    order = OrderFactory(payment_method="cod", total=DUE, **({"user": user} if user else {}))
    return payment_start(
        payment=payment_create(order=order, method="cod", amount=DUE, currency="TRY")
    )


def _staff(*codenames: str):
    user = StaffFactory(is_superuser=False)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="payments", codename__in=codenames),
        *Permission.objects.filter(codename__in=["view_order", "change_order", "view_payment"]),
    )
    return user


@pytest.mark.django_db
def test_staff_record_the_cash_collected_from_the_orders_page(client):
    payment = _cod_due()
    order_page = reverse("admin:orders_order_change", args=[payment.order_id])
    client.force_login(_staff("record_cash"))

    page = client.get(order_page).content.decode()
    assert f'id="cash-{payment.pk}"' in page
    url = reverse("admin:payments_payment_cash", args=[payment.pk]) + "?from=order"
    form = client.get(url).content.decode()
    assert 'value="300.00"' in form and "Amount the courier collected" in form
    assert "Enter a number" in client.post(url, {"amount": "üç yüz"}).content.decode()

    done = client.post(url, {"amount": "300.00"})

    assert done.status_code == 302 and done["Location"] == order_page
    payment.refresh_from_db()
    order = Order.objects.get(pk=payment.order_id)
    assert payment.status == PaymentStatus.PAID and not payment.needs_review
    assert (order.payment_status, order.needs_review) == (PaymentStatus.PAID, False)
    capture = payment.events.get(kind=PaymentEvent.Kind.CAPTURE)
    assert capture.amount == DUE and capture.created_by is not None
    assert f'id="cash-{payment.pk}"' not in client.get(order_page).content.decode()


@pytest.mark.django_db
def test_without_the_permission_no_cash_is_recorded(client):
    payment = _cod_due()
    client.force_login(_staff("refund_payment"))
    page = client.get(reverse("admin:orders_order_change", args=[payment.order_id]))
    assert f'id="cash-{payment.pk}"' not in page.content.decode()
    client.post(reverse("admin:payments_payment_cash", args=[payment.pk]), {"amount": "300.00"})
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.COD_DUE
    assert not payment.events.filter(kind=PaymentEvent.Kind.CAPTURE).exists()


@pytest.mark.django_db
def test_a_short_collection_is_flagged_on_the_payment_and_the_order(client):
    payment = _cod_due()
    client.force_login(_staff("record_cash"))
    url = reverse("admin:payments_payment_cash", args=[payment.pk])

    response = client.post(url, {"amount": "280.00"}, follow=True)

    assert "280.00" in response.content.decode()  # the warning says what was reported
    payment.refresh_from_db()
    order = Order.objects.get(pk=payment.order_id)
    assert payment.status == PaymentStatus.COD_DUE  # never marked paid on a mismatch
    assert payment.needs_review and order.needs_review
    assert "280.00" in order.review_note and "300.00" in order.review_note
    assert payment.events.get(kind=PaymentEvent.Kind.CAPTURE).amount == Decimal("280.00")
    flagged = client.get(reverse("admin:orders_order_changelist") + "?needs_review__exact=1")
    assert order.number in flagged.content.decode()
    # A second entry (the right amount this time) cannot record the cash twice.
    client.post(url, {"amount": "300.00"})
    assert payment.events.filter(kind=PaymentEvent.Kind.CAPTURE).count() == 1


@pytest.mark.django_db
def test_only_cash_still_due_can_be_recorded(client):
    card = payment_create(
        order=OrderFactory(payment_method="card", total=DUE),
        method="card",
        amount=DUE,
        currency="TRY",
    )
    client.force_login(_staff("record_cash"))
    response = client.post(reverse("admin:payments_payment_cash", args=[card.pk]), {"amount": "1"})
    assert "no cash to collect" in response.content.decode()
    assert not card.events.exists()
    with pytest.raises(PaymentError, match="Enter the amount"):
        payment_collect_cash(payment=_cod_due(), amount=Decimal("0"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cash_recorded_twice_at_once_is_recorded_once():
    payment = _cod_due()
    results = run_together(
        lambda amount: payment_collect_cash(payment=payment, amount=amount).status,
        [DUE, DUE, Decimal("290.00")],
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    payment.refresh_from_db()
    assert payment.events.filter(kind=PaymentEvent.Kind.CAPTURE).count() == 1
    captured = payment.events.get(kind=PaymentEvent.Kind.CAPTURE).amount
    # Whichever came first is the one recorded: paid if it was the amount due, else flagged.
    assert (payment.status == PaymentStatus.PAID) == (captured == DUE)
    assert payment.needs_review == (captured != DUE)


@pytest.mark.django_db
def test_a_cancelled_order_with_cash_still_due_is_voided_after_the_cancellation(
    django_capture_on_commit_callbacks,
):
    from orders.services import order_transition

    payment = _cod_due()
    order = Order.objects.get(pk=payment.order_id)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        order_transition(order=order, to="cancelled", cancel_reason="staff")
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.COD_DUE  # nothing happens under the order's lock
    assert queued  # the void waits for the cancellation to commit
    payment.refresh_from_db()
    order.refresh_from_db()
    assert (payment.status, order.payment_status) == (PaymentStatus.VOIDED, PaymentStatus.VOIDED)
    assert payment.events.filter(kind=PaymentEvent.Kind.VOID).count() == 1
    assert not payment.events.filter(kind=PaymentEvent.Kind.CAPTURE).exists()
