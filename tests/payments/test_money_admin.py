"""Staff money actions in the admin: refund, clear or bounce an e-check, confirm a payout.

Each needs its own permission, not just staff status; bad input changes nothing.
"""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from payments.methods.cod.services import refund_account_create
from payments.models import Payment, PaymentEvent, Refund
from payments.services import echeck_create, payment_capture, payment_create, payment_start
from payments.states import PaymentStatus
from tests.factories import OrderFactory, StaffFactory

from .test_echeck import _details

pytestmark = pytest.mark.django_db


def _staff(*codenames: str):
    user = StaffFactory(is_superuser=False)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="payments", codename__in=codenames),
        *Permission.objects.filter(
            codename__in=["view_payment", "view_refund", "view_echeck", "view_paymentevent"]
        ),
    )
    return user


def _paid_cod() -> Payment:
    order = OrderFactory(payment_method="cod", total=Decimal("300.00"))
    payment = payment_create(order=order, method="cod", amount=order.total, currency="TRY")
    # The customer chose store credit for this cash (the default is a bank transfer).
    refund_account_create(payment=payment, destination="store_credit")
    return payment_capture(payment=payment_start(payment=payment))


def _clearing_echeck() -> Payment:
    order = OrderFactory(payment_method="echeck", total=Decimal("480.00"))
    payment = payment_create(order=order, method="echeck", amount=order.total, currency="TRY")
    echeck_create(payment=payment, details=_details())
    return payment_start(payment=payment)


def test_staff_without_the_refund_permission_cannot_refund(client):
    payment = _paid_cod()
    client.force_login(_staff())
    page = client.get(reverse("admin:payments_payment_change", args=[payment.pk]))
    assert 'id="refund-link"' not in page.content.decode()
    client.post(
        reverse("admin:payments_payment_refund", args=[payment.pk]),
        {"amount": "10.00", "reason": "goodwill"},
    )
    assert not Refund.objects.exists()


def test_a_refund_asks_for_an_amount_prefilled_and_a_reason(client):
    payment = _paid_cod()
    client.force_login(_staff("refund_payment"))
    url = reverse("admin:payments_payment_refund", args=[payment.pk])
    form = client.get(url).content.decode()
    assert 'value="300.00"' in form
    too_much = client.post(url, {"amount": "300.01", "reason": "x"})
    assert "at most ₺300.00" in too_much.content.decode()
    no_reason = client.post(url, {"amount": "50.00", "reason": ""})
    assert no_reason.status_code == 200 and not Refund.objects.exists()
    done = client.post(url, {"amount": "50.00", "reason": "Kırık ürün"})
    assert done.status_code == 302
    refund = Refund.objects.get()
    assert (refund.amount, refund.reason, refund.status) == (
        Decimal("50.00"),
        "Kırık ürün",
        Refund.Status.SUCCEEDED,
    )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED


def test_staff_clear_or_bounce_an_echeck_with_their_permission(client):
    cleared, bounced = _clearing_echeck(), _clearing_echeck()
    client.force_login(_staff())
    client.post(reverse("admin:payments_payment_echeck", args=[cleared.pk]), {"decision": "clear"})
    cleared.refresh_from_db()
    assert cleared.status == PaymentStatus.CLEARING  # not allowed without the permission

    client.force_login(_staff("decide_echeck"))
    client.post(reverse("admin:payments_payment_echeck", args=[cleared.pk]), {"decision": "clear"})
    no_reason = client.post(
        reverse("admin:payments_payment_echeck", args=[bounced.pk]), {"decision": "bounce"}
    )
    assert "Say why the check bounced" in no_reason.content.decode()
    client.post(
        reverse("admin:payments_payment_echeck", args=[bounced.pk]),
        {"decision": "bounce", "reason": "Yetersiz bakiye"},
    )
    cleared.refresh_from_db()
    bounced.refresh_from_db()
    assert (cleared.status, bounced.status) == (PaymentStatus.PAID, PaymentStatus.BOUNCED)
    page = client.get(reverse("admin:payments_payment_change", args=[bounced.pk]))
    assert "1326" in page.content.decode() and "TR330006" not in page.content.decode()


def test_a_refund_by_bank_transfer_is_confirmed_by_staff(client):
    payment = _clearing_echeck()
    client.force_login(_staff("refund_payment", "decide_echeck"))
    client.post(reverse("admin:payments_payment_echeck", args=[payment.pk]), {"decision": "clear"})
    client.post(
        reverse("admin:payments_payment_refund", args=[payment.pk]),
        {"amount": "480.00", "reason": "İade"},
    )
    refund = Refund.objects.get()
    assert refund.status == Refund.Status.AWAITING_PAYOUT
    page = client.get(reverse("admin:payments_refund_change", args=[refund.pk]))
    assert 'id="payout-link"' in page.content.decode()
    client.post(reverse("admin:payments_refund_payout", args=[refund.pk]), {"reference": "EFT-9"})
    refund.refresh_from_db()
    payment.refresh_from_db()
    assert (refund.status, refund.reference) == (Refund.Status.SUCCEEDED, "EFT-9")
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.events.filter(kind=PaymentEvent.Kind.REFUND).count() == 1


def test_the_order_page_shows_its_payments_and_every_ledger_row(client):
    payment = _paid_cod()
    client.force_login(StaffFactory())
    page = client.get(reverse("admin:orders_order_change", args=[payment.order_id]))
    html = page.content.decode()
    assert page.status_code == 200
    assert reverse("admin:payments_payment_change", args=[payment.pk]) in html
    assert html.count("₺300.00") >= 2  # the authorisation and the capture rows
    assert "Capture" in html and "Authorize" in html


def test_the_daily_page_and_its_csv_match_a_hand_count(client):
    from payments.interface import Outcome, ProviderResult
    from payments.services import Operation, payment_record, payment_refund

    _paid_cod()  # cod: 300 captured
    _paid_cod()  # cod: 300 captured
    _clearing_echeck()  # echeck: 480 pending
    order = OrderFactory(payment_method="card", total=Decimal("150.00"))
    card = payment_create(order=order, method="card", amount=order.total, currency="TRY")
    payment_record(
        payment_id=card.pk,
        result=ProviderResult(
            Outcome.CAPTURED, Decimal("150.00"), currency="TRY", reference="ch_1"
        ),
        operation=Operation.START,
        operation_key="k1",
    )
    cod = Payment.objects.filter(method="cod").first()
    payment_refund(payment=cod, amount=Decimal("40.00"))
    declined = payment_create(
        order=OrderFactory(payment_method="card", total=Decimal("99.00")),
        method="card",
        amount=Decimal("99.00"),
        currency="TRY",
    )
    payment_record(
        payment_id=declined.pk,
        result=ProviderResult(Outcome.FAILED, Decimal("99.00"), currency="TRY", reference="ch_x"),
        operation=Operation.START,
        operation_key="k2",
    )

    client.force_login(StaffFactory())
    csv_text = client.get(
        reverse("admin:payments_payment_daily"), {"format": "csv"}
    ).content.decode()
    lines = [line.split(",")[1:] for line in csv_text.strip().splitlines()[1:]]
    assert sorted(lines) == [
        ["card", "150.00", "0.00", "0.00", "1", "0"],
        ["cod", "600.00", "40.00", "0.00", "0", "0"],
        ["echeck", "0.00", "0.00", "480.00", "0", "0"],
    ]
    page = client.get(reverse("admin:payments_payment_daily")).content.decode()
    assert "600.00" in page and "480.00" in page and 'id="daily-csv"' in page


def test_a_refund_form_submitted_twice_refunds_once(client):
    payment = _paid_cod()
    client.force_login(_staff("refund_payment"))
    url = reverse("admin:payments_payment_refund", args=[payment.pk])
    form = client.get(url).content.decode()
    key = re.search(r'name="key" value="([0-9a-f]+)"', form).group(1)
    for _ in range(2):  # a double click
        client.post(url, {"amount": "100.00", "reason": "Hasarlı", "key": key})
    assert Refund.objects.count() == 1
    payment.refresh_from_db()
    assert payment.ledger_sum(PaymentEvent.Kind.REFUND) == Decimal("100.00")
    fresh = re.search(r'name="key" value="([0-9a-f]+)"', client.get(url).content.decode())
    assert fresh.group(1) != key  # the next form is a new refund
