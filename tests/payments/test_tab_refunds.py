"""A refund of a tab order that is not settled yet comes off the open tab.

The settlement then charges only what is left and captures each order once; a refund sent while
a settlement holds the tab is refused and changes nothing; a refund and a settlement at once
never charge or give back more than the order owes (PostgreSQL, one connection per thread).
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from payments.methods.micropayment.services import tab_ids_due
from payments.models import Payment, PaymentEvent, PaymentPurpose, Refund, Tab
from payments.services import (
    payment_refund,
    refund_reserve,
    refund_send,
    tab_settle,
    tab_total,
)
from payments.states import PaymentStatus
from tests.factories import StaffFactory
from tests.orders.helpers import cart_with, place
from tests.orders.test_concurrency import run_together

from .test_card import fake_stripe_client
from .test_wallet_and_tab import _customer_with_card_and_address, digital

pytestmark = [pytest.mark.stripe]

TOTAL = Decimal("40.00")
PART = Decimal("15.00")


def _tab_order(fake_stripe: str, price: Decimal = TOTAL) -> Payment:
    customer = _customer_with_card_and_address(fake_stripe)
    order = place(cart_with((digital(str(price)), 1), user=customer), payment_method="micropayment")
    return order.payments.get()


@pytest.mark.django_db
def test_the_same_refund_key_twice_takes_the_amount_off_the_tab_once_and_my_tab_shows_it(
    fake_stripe, client
):
    payment = _tab_order(fake_stripe)
    staff = StaffFactory()

    first = payment_refund(payment=payment, amount=PART, reason="Eksik", key="form-1", by=staff)
    again = payment_refund(payment=payment, amount=PART, reason="Eksik", key="form-1", by=staff)

    assert again.pk == first.pk and first.status == Refund.Status.SUCCEEDED
    assert payment.events.filter(kind=PaymentEvent.Kind.REFUND_OFF_TAB).count() == 1
    tab = Tab.objects.get(pk=payment.tab_id)
    assert tab_total(tab=tab) == TOTAL - PART
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.ON_TAB  # the rest is still owed on the tab
    assert payment.refundable() == TOTAL - PART
    client.force_login(payment.order.user)
    page = client.get(reverse("wallet:tab")).content.decode()
    current = page.split('id="current-tab"')[1].split("</section>")[0]
    assert "₺25.00" in current and "₺40.00 less a refund" in current
    confirmation = client.get(reverse("orders:confirmation", args=[payment.order.number]))
    assert "Refunded ₺15.00" in confirmation.content.decode()


@pytest.mark.django_db
def test_a_refund_while_a_settlement_holds_the_tab_is_refused_and_changes_nothing(fake_stripe):
    payment = _tab_order(fake_stripe)
    Tab.objects.filter(pk=payment.tab_id).update(status=Tab.Status.SETTLING)

    refund = payment_refund(payment=payment, amount=PART, reason="Eksik")

    assert refund.status == Refund.Status.FAILED
    assert "being paid right now" in refund.message
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.ON_TAB and payment.refundable() == TOTAL
    assert not payment.events.filter(kind__in=PaymentEvent.REFUND_KINDS).exists()
    Tab.objects.filter(pk=payment.tab_id).update(status=Tab.Status.OPEN)
    assert tab_total(tab=Tab.objects.get(pk=payment.tab_id)) == TOTAL


@pytest.mark.django_db
def test_staff_refund_part_of_an_open_tab_order_in_the_admin_and_hear_why_when_refused(
    fake_stripe, client
):
    from django.contrib.auth.models import Permission

    payment = _tab_order(fake_stripe)
    staff = StaffFactory(is_superuser=False)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["refund_payment", "view_payment"])
    )
    client.force_login(staff)
    url = reverse("admin:payments_payment_refund", args=[payment.pk])
    assert 'value="40.00"' in client.get(url).content.decode()  # all of it is still owed

    Tab.objects.filter(pk=payment.tab_id).update(status=Tab.Status.SETTLING)
    refused = client.post(url, {"amount": "15.00", "reason": "Eksik"}, follow=True)
    assert "being paid right now" in refused.content.decode()
    Tab.objects.filter(pk=payment.tab_id).update(status=Tab.Status.OPEN)
    client.post(url, {"amount": "15.00", "reason": "Eksik"})

    assert tab_total(tab=Tab.objects.get(pk=payment.tab_id)) == TOTAL - PART
    assert 'value="25.00"' in client.get(url).content.decode()


@pytest.mark.django_db
def test_refunds_taken_off_add_up_and_never_exceed_the_order(fake_stripe):
    payment = _tab_order(fake_stripe)
    payment_refund(payment=payment, amount=PART)
    payment_refund(payment=payment, amount=TOTAL - PART)  # the rest: it leaves the tab

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.order.payment_status == PaymentStatus.REFUNDED
    assert tab_total(tab=Tab.objects.get(pk=payment.tab_id)) == Decimal("0.00")
    assert tab_settle(tab_id=payment.tab_id) is None  # nothing to charge
    assert not Payment.objects.filter(purpose=PaymentPurpose.TAB_SETTLEMENT).exists()


@pytest.mark.django_db
def test_a_refund_reserved_before_the_settlement_and_sent_after_it_comes_from_the_charge(
    fake_stripe,
):
    payment = _tab_order(fake_stripe)
    refund = refund_reserve(payment=payment, amount=PART, key="form-1")
    # A reservation takes nothing off the tab: the settlement charges the whole order ...
    settlement = tab_settle(tab_id=payment.tab_id)
    assert settlement.status == PaymentStatus.PAID and settlement.amount == TOTAL

    refund = refund_send(refund=refund)

    # ... and the refund, sent afterwards, is a Stripe refund of that charge: paid once.
    assert refund.status == Refund.Status.SUCCEEDED and refund.reference.startswith("re_")
    assert _money_at_stripe(fake_stripe, payment.tab_id) == (TOTAL, PART)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert payment.refundable() == TOTAL - PART


@pytest.mark.django_db
def test_a_tab_order_refunded_off_the_tab_gets_its_credit_note_with_the_invoice(fake_stripe):
    from orders.models import CreditNote, Invoice

    payment = _tab_order(fake_stripe)
    payment_refund(payment=payment, amount=PART)
    assert not CreditNote.objects.exists()  # nothing invoiced yet: nothing to correct

    tab_settle(tab_id=payment.tab_id)

    invoice = Invoice.objects.get(order=payment.order)
    note = CreditNote.objects.get(order=payment.order)
    assert (note.invoice_id, note.total) == (invoice.pk, PART)
    tab_settle(tab_id=payment.tab_id)  # run again: one credit note still
    assert CreditNote.objects.filter(order=payment.order).count() == 1


@pytest.mark.django_db
def test_the_periodic_job_counts_a_tab_without_what_refunds_took_off(fake_stripe, settings):
    settings.TAB_SETTLE_THRESHOLD = "100.00"
    payment = _tab_order(fake_stripe)
    customer = payment.order.user
    for price in ("40.00", "25.00"):  # 105.00 on the tab: over the threshold
        place(cart_with((digital(price), 1), user=customer), payment_method="micropayment")
    assert tab_ids_due(now=timezone.now()) == [payment.tab_id]

    payment_refund(payment=payment, amount=PART)  # 90.00 left: under it

    assert tab_total(tab=Tab.objects.get(pk=payment.tab_id)) == Decimal("90.00")
    assert tab_ids_due(now=timezone.now()) == []


def _money_at_stripe(fake_stripe: str, tab_id: int) -> tuple[Decimal, Decimal]:
    """What Stripe charged for the tab and what it gave back, from Stripe itself."""
    stripe = fake_stripe_client(fake_stripe)
    charged = refunded = Decimal("0.00")
    for settlement in Payment.objects.filter(tab_id=tab_id, purpose=PaymentPurpose.TAB_SETTLEMENT):
        if not settlement.reference:
            continue
        intent = stripe.v1.payment_intents.retrieve(settlement.reference)
        if intent.status == "succeeded":
            charged += Decimal(intent.amount) / 100
        for refund in stripe.v1.refunds.list(params={"payment_intent": intent.id}).data:
            refunded += Decimal(refund.amount) / 100
    return charged, refunded


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_refund_and_a_settlement_at_once_never_charge_or_give_back_more_than_owed(
    fake_stripe, settings
):
    settings.TAB_SETTLE_THRESHOLD = "1000.00"  # only the test settles
    for round_ in range(4):
        payment = _tab_order(fake_stripe)
        key = f"form-{round_}"
        calls = [
            lambda p=payment, k=key: payment_refund(payment=p, amount=PART, key=k),
            lambda tab_id=payment.tab_id: tab_settle(tab_id=tab_id),
        ]
        if round_ % 2:
            calls.reverse()

        results = run_together(lambda call: call(), calls)

        assert not any(isinstance(r, Exception) for r in results), results
        refund = Refund.objects.get(payment=payment)
        payment.refresh_from_db()
        charged, given_back = _money_at_stripe(fake_stripe, payment.tab_id)
        if refund.status == Refund.Status.FAILED:  # the settlement held the tab: refused
            assert "being paid right now" in refund.message
            refunded = Decimal("0.00")
        else:
            assert refund.status == Refund.Status.SUCCEEDED
            refunded = PART
        # What the customer paid in the end is what the order owes less what was refunded ...
        assert charged - given_back == TOTAL - refunded
        assert charged <= TOTAL and given_back <= charged
        # ... and the order's own ledger says the same.
        captured = payment.ledger_sum(PaymentEvent.Kind.CAPTURE)
        assert captured == TOTAL and payment.refunded() == refunded
        assert payment.events.filter(kind=PaymentEvent.Kind.CAPTURE).count() == 1
        expected = PaymentStatus.PARTIALLY_REFUNDED if refunded else PaymentStatus.PAID
        assert payment.status == expected
