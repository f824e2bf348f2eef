"""E-checks: a valid IBAN signed by its holder, sealed, encrypted at rest, cleared or bounced."""

import logging
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from orders.states import OrderStatus
from payments.exceptions import PaymentError
from payments.methods.echeck import sealing
from payments.models import ECheck, PaymentEvent, Refund
from payments.services import (
    CheckDetails,
    echeck_bounce,
    echeck_clear,
    echeck_create,
    echeck_return,
    echeck_seal_valid,
    payment_create,
    payment_refund,
    payment_start,
    refund_confirm_payout,
)
from payments.states import PaymentStatus
from payments.tasks import clear_echecks
from shop.exceptions import ShopError
from tests.factories import OrderFactory, StaffFactory

pytestmark = pytest.mark.django_db

IBAN = "TR33 0006 1005 1978 6457 8413 26"
PLAIN = "TR330006100519786457841326"
TOTAL = Decimal("480.00")


def _details(**overrides) -> CheckDetails:
    values = {
        "account_holder": "Ayşe Yılmaz",
        "iban": IBAN,
        "signer_name": "AYŞE YILMAZ",
        "authorized": True,
    }
    return CheckDetails(**{**values, **overrides})


def _signed():
    order = OrderFactory(payment_method="echeck", total=TOTAL)
    payment = payment_create(order=order, method="echeck", amount=TOTAL, currency="TRY")
    check = echeck_create(payment=payment, details=_details(), ip_address="203.0.113.9")
    return order, payment_start(payment=payment), check


def test_a_signed_check_confirms_the_order_and_waits_clearing_with_its_seal():
    order, payment, check = _signed()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.CLEARING
    assert (order.status, order.payment_status) == (OrderStatus.CONFIRMED, "clearing")
    assert check.account_last4 == "1326" and check.payee and check.amount == TOTAL
    assert echeck_seal_valid(check=check)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", Decimal("4800.00")),
        ("payee", "Someone Else Ltd."),
        ("number", "EC000000000000"),
        ("currency", "EUR"),
        ("date", "2020-01-01"),
        ("account_hash", "0" * 64),
    ],
)
def test_changing_any_sealed_field_breaks_the_seal(field, value):
    _, _, check = _signed()
    ECheck.objects.filter(pk=check.pk).update(**{field: value})
    assert not echeck_seal_valid(check=ECheck.objects.get(pk=check.pk))


def test_a_swapped_account_breaks_the_seal():
    _, _, check = _signed()
    other = sealing.encrypt_account("TR320010009999901234567890")
    ECheck.objects.filter(pk=check.pk).update(account_encrypted=other)
    assert not echeck_seal_valid(check=ECheck.objects.get(pk=check.pk))


def test_the_account_number_is_encrypted_at_rest_and_kept_out_of_logs(caplog, capsys):
    caplog.set_level(logging.DEBUG)
    _, payment, check = _signed()
    echeck_clear(payment=payment)
    dump: list[str] = []

    class Collect:
        def write(self, text: str) -> None:
            dump.append(text)

        def flush(self) -> None:
            pass

    call_command("dumpdata", "payments", "orders", stdout=Collect())
    seen = "".join(dump) + caplog.text + capsys.readouterr().out
    assert PLAIN not in seen and "0006100519786457841326" not in seen
    assert sealing.decrypt_account(check.account_encrypted) == PLAIN


def test_keys_can_be_rotated(settings):
    _, _, check = _signed()
    settings.ECHECK_ENCRYPTION_KEYS = [
        "xA3p0Jw1VwZ5J6Qm8p0yq9m0v2j5f7n3Yz1cE8lK4sU=",
        *settings.ECHECK_ENCRYPTION_KEYS,
    ]
    rotated = sealing.reencrypt_account(check.account_encrypted)
    settings.ECHECK_ENCRYPTION_KEYS = settings.ECHECK_ENCRYPTION_KEYS[:1]
    assert sealing.decrypt_account(rotated) == PLAIN
    with pytest.raises(ValueError, match="cannot be decrypted"):
        sealing.decrypt_account(check.account_encrypted)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"iban": "TR33 0006 1005 1978 6457 8413 27"}, "This IBAN is not valid"),
        ({"iban": "not an iban"}, "This IBAN is not valid"),
        ({"signer_name": "Mehmet Demir"}, "account holder's full name"),
        ({"authorized": False}, "authorise the e-check"),
        ({"account_holder": "  "}, "account holder's name"),
    ],
)
def test_bad_check_details_are_refused_and_nothing_is_stored(overrides, message):
    order = OrderFactory(payment_method="echeck", total=TOTAL)
    payment = payment_create(order=order, method="echeck", amount=TOTAL, currency="TRY")
    with pytest.raises(PaymentError, match=message):
        echeck_create(payment=payment, details=_details(**overrides))
    assert not ECheck.objects.exists()


def test_a_payment_without_a_signed_check_is_not_accepted():
    order = OrderFactory(payment_method="echeck", total=TOTAL)
    payment = payment_start(
        payment=payment_create(order=order, method="echeck", amount=TOTAL, currency="TRY")
    )
    order.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_the_clearing_job_clears_checks_past_their_period_once(settings):
    settings.ECHECK_CLEARING_DAYS = 0
    order, payment, _ = _signed()
    assert clear_echecks() == 1
    assert clear_echecks() == 0
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and order.payment_status == "paid"
    assert payment.events.filter(kind=PaymentEvent.Kind.CAPTURE).count() == 1
    assert ECheck.objects.get(payment=payment).cleared_at is not None


def test_a_bounce_holds_the_order_and_a_second_bounce_is_refused():
    order, payment, _ = _signed()
    staff = StaffFactory()
    payment = echeck_bounce(payment=payment, reason="Karşılıksız (yetersiz bakiye)", by=staff)
    order.refresh_from_db()
    assert payment.status == PaymentStatus.BOUNCED
    assert order.payment_status == PaymentStatus.BOUNCED
    with pytest.raises(PaymentError, match="already bounced"):
        echeck_bounce(payment=payment, reason="again", by=staff)
    with pytest.raises(PaymentError, match="already bounced"):
        echeck_clear(payment=payment)
    assert payment.events.filter(kind=PaymentEvent.Kind.BOUNCE).count() == 1
    assert ECheck.objects.get(payment=payment).bounce_reason.startswith("Karşılıksız")


def test_an_echeck_refund_waits_for_the_bank_transfer_then_is_recorded_once():
    _, payment, _ = _signed()
    payment = echeck_clear(payment=payment)
    staff = StaffFactory()
    refund = payment_refund(payment=payment, amount=Decimal("80.00"), by=staff)
    assert refund.status == Refund.Status.AWAITING_PAYOUT
    assert payment.refundable() == Decimal("400.00")  # the reserved amount counts already
    with pytest.raises(PaymentError, match="reference"):
        refund_confirm_payout(refund=refund, reference=" ", by=staff)
    refund = refund_confirm_payout(refund=refund, reference="EFT-2026-0042", by=staff)
    refund_confirm_payout(refund=refund, reference="EFT-2026-0042", by=staff)
    payment.refresh_from_db()
    assert (refund.status, refund.reference) == (Refund.Status.SUCCEEDED, "EFT-2026-0042")
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert payment.ledger_sum(PaymentEvent.Kind.REFUND) == Decimal("80.00")


# --- At checkout (HTTP), and the shipping gate ---------------------------------------------


ECHECK_FORM = {
    "payment_method": "echeck",
    "echeck_holder": "Ayşe Yılmaz",
    "echeck_iban": IBAN,
    "echeck_signer": "ayse yilmaz",
    "echeck_authorize": "on",
}


def test_an_echeck_checkout_confirms_the_order_while_the_check_clears(client, shipping):
    from orders.models import Order
    from tests.orders.test_pages import add, physical, place

    add(client, physical("240.00"), 2)
    response = place(client, shipping, **ECHECK_FORM)
    assert response.status_code == 302, response.content.decode()[:500]
    order = Order.objects.get()
    assert (order.status, order.payment_status) == (OrderStatus.CONFIRMED, "clearing")
    check = ECheck.objects.get(payment__order=order)
    assert check.account_last4 == "1326" and check.signer_name == "ayse yilmaz"
    assert echeck_seal_valid(check=check)
    page = client.get(response["Location"]).content.decode()
    assert PLAIN not in page


def test_a_bad_iban_at_checkout_is_refused_and_places_nothing(client, shipping):
    from orders.models import Order
    from tests.orders.test_pages import add, physical, place

    add(client, physical("240.00"), 1)
    response = place(client, shipping, **{**ECHECK_FORM, "echeck_iban": "TR00 1234"})
    assert response.status_code == 400
    assert "This IBAN is not valid" in response.content.decode()
    assert not Order.objects.exists() and not ECheck.objects.exists()


def test_an_echeck_order_cannot_ship_while_clearing_or_after_a_bounce(client, shipping):
    from orders.models import Carrier, Order
    from orders.services import order_ship, order_transition
    from tests.orders.test_pages import add, physical, place

    add(client, physical("240.00"), 1)
    place(client, shipping, **ECHECK_FORM)
    order = Order.objects.get()
    for step in (OrderStatus.PREPARING, OrderStatus.PACKED):
        order = order_transition(order=order, to=step)
    carrier = Carrier.objects.create(name="Kargo")
    with pytest.raises(ShopError, match=r"(?i)payment"):
        order_ship(order=order, carrier=carrier, tracking_number="YK1")
    echeck_bounce(payment=order.payments.get(), reason="Yetersiz bakiye")
    with pytest.raises(ShopError, match=r"(?i)payment"):
        order_ship(order=order, carrier=carrier, tracking_number="YK2")
    order.refresh_from_db()
    assert (order.status, order.payment_status) == (OrderStatus.PACKED, "bounced")
    echeck_order = order.payments.get()
    assert echeck_order.status == PaymentStatus.BOUNCED


@pytest.mark.stripe
def test_after_a_bounce_the_customer_is_told_and_pays_by_card_instead(
    client, shipping, fake_stripe
):
    import re

    from crm.notifications.models import Message
    from orders.models import Order
    from tests.orders.test_pages import add, physical, place

    from .browser_stand_in import confirm_card_setup

    add(client, physical("240.00"), 1)
    place(client, shipping, **ECHECK_FORM)
    order = Order.objects.get()
    echeck_bounce(payment=order.payments.get(), reason="Yetersiz bakiye")
    order.refresh_from_db()
    assert order.needs_review and order.payment_status == "bounced"
    told = Message.objects.filter(kind="payment_bounced", subject_id=str(order.pk))
    assert {m.channel for m in told} == {"email", "sms"}
    assert "/pay/?t=" in told.get(channel="email").body_text

    pay_url = reverse("orders:pay", args=[order.number])
    page = client.get(pay_url)
    setup = re.search(r'data-client-secret="(seti_[^"_]+)', page.content.decode())[1]
    confirm_card_setup(fake_stripe, setup, "visa")
    paid = client.post(pay_url, {"action": "pay", "setup_intent": setup})
    assert paid["Location"] == reverse("orders:confirmation", args=[order.number])
    order.refresh_from_db()
    assert order.payment_status == "paid" and order.status == OrderStatus.CONFIRMED
    assert [p.method for p in order.payments.order_by("pk")] == ["echeck", "card"]


def test_staff_cannot_ship_an_echeck_order_from_the_admin_while_clearing_or_bounced(
    client, shipping
):
    from orders.models import Carrier, Order, Shipment
    from orders.services import order_transition
    from tests.orders.test_pages import add, physical, place

    add(client, physical("240.00"), 1)
    place(client, shipping, **ECHECK_FORM)
    order = Order.objects.get()
    payment = order.payments.get()
    for step in (OrderStatus.PREPARING, OrderStatus.PACKED):
        order_transition(order=order, to=step)
    carrier = Carrier.objects.create(name="Kargo")
    client.force_login(StaffFactory())
    change = reverse("admin:orders_order_change", args=[order.pk])
    ship = reverse("admin:orders_order_ship") + f"?ids={order.pk}"

    def refused(tracking: str) -> None:
        shipped = client.post(
            ship, {f"carrier-{order.pk}": carrier.pk, f"tracking-{order.pk}": tracking}, follow=True
        )
        assert "cannot ship while its payment" in shipped.content.decode()
        stepped = client.post(
            reverse("admin:orders_order_step", args=[order.pk]), {"step": "shipped"}, follow=True
        )
        assert "tracking number" in stepped.content.decode()

    refused("YK1")  # clearing
    echeck_bounce(payment=payment, reason="Yetersiz bakiye")
    refused("YK2")  # bounced
    assert client.get(change).status_code == 200
    order = Order.objects.get(pk=order.pk)
    assert (order.status, order.payment_status) == (OrderStatus.PACKED, "bounced")
    assert not Shipment.objects.exists()


# --- A cleared check the bank returns later; decisions under the payment's lock ---------------


def test_a_cleared_check_returned_by_the_bank_takes_the_money_back_and_asks_the_customer(
    settings, time_machine
):
    from crm.notifications.models import Message
    from shop.audit import audit_trail

    settings.ECHECK_CLEARING_DAYS = 0
    settings.ECHECK_RETURN_DAYS = 30
    order, payment, _ = _signed()
    assert clear_echecks() == 1  # cleared with no word from the bank
    time_machine.move_to(timezone.now() + timedelta(days=10))
    staff = StaffFactory()

    payment = echeck_return(payment=payment, reason="Hesap kapalı", by=staff)

    order.refresh_from_db()
    assert payment.status == PaymentStatus.RETURNED
    assert (order.payment_status, order.needs_review) == ("returned", True)
    returned = payment.events.get(kind=PaymentEvent.Kind.RETURN)
    assert returned.amount == TOTAL and returned.idempotency_key.startswith("return:echeck-return")
    assert payment.refundable() == 0
    with pytest.raises(PaymentError):
        payment_refund(payment=payment, amount=Decimal("10.00"))
    with pytest.raises(PaymentError, match="already returned"):
        echeck_return(payment=payment, reason="again", by=staff)
    assert payment.events.filter(kind=PaymentEvent.Kind.RETURN).count() == 1
    told = Message.objects.filter(kind="payment_returned", subject_id=str(order.pk))
    assert {m.channel for m in told} == {"email", "sms"}
    assert "/pay/?t=" in told.get(channel="email").body_text
    assert [e.action for e in audit_trail(target=payment)] == ["echeck.return", "echeck.clear"]
    assert ECheck.objects.get(payment=payment).return_reason == "Hesap kapalı"


def test_a_check_is_returned_only_after_clearing_and_within_the_return_period(
    settings, time_machine
):
    settings.ECHECK_RETURN_DAYS = 30
    _, payment, _ = _signed()
    with pytest.raises(PaymentError, match="cleared"):
        echeck_return(payment=payment, reason="Hesap kapalı")
    payment = echeck_clear(payment=payment)
    time_machine.move_to(timezone.now() + timedelta(days=31))
    with pytest.raises(PaymentError, match="within 30 days"):
        echeck_return(payment=payment, reason="Hesap kapalı")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert not payment.events.filter(kind=PaymentEvent.Kind.RETURN).exists()


def test_staff_record_a_return_from_the_payment_admin(client, settings):
    from crm.notifications.models import Message

    _order, payment, _ = _signed()
    echeck_clear(payment=payment)
    client.force_login(StaffFactory())
    change = client.get(reverse("admin:payments_payment_change", args=[payment.pk]))
    assert "Record the e-check" in change.content.decode()
    url = reverse("admin:payments_payment_echeck", args=[payment.pk])
    refused = client.post(url, {"decision": "return", "reason": " "})
    assert "Say why the bank returned the check" in refused.content.decode()
    client.post(url, {"decision": "return", "reason": "Karşılıksız"})
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.RETURNED
    assert Message.objects.filter(kind="payment_returned", channel="email").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_clear_and_a_bounce_at_the_same_moment_leave_one_decision_in_the_ledger():
    from tests.orders.test_concurrency import run_together

    _, payment, _ = _signed()

    def decide(decision: str):
        if decision == "clear":
            return echeck_clear(payment=payment)
        return echeck_bounce(payment=payment, reason="Yetersiz bakiye")

    for _attempt in range(3):  # the race goes either way; each time one decision wins whole
        results = run_together(decide, ["clear", "bounce"])
        refused = [r for r in results if isinstance(r, PaymentError)]
        assert len(refused) == 1, results
        payment.refresh_from_db()
        captures = payment.events.filter(kind=PaymentEvent.Kind.CAPTURE).count()
        bounces = payment.events.filter(kind=PaymentEvent.Kind.BOUNCE).count()
        if payment.status == PaymentStatus.PAID:
            assert (captures, bounces) == (1, 0)
        else:
            assert payment.status == PaymentStatus.BOUNCED and (captures, bounces) == (0, 1)
        _, payment, _ = _signed()


@pytest.mark.stripe
def test_after_a_return_the_customer_pays_by_card_with_the_link_they_were_sent(
    client, shipping, fake_stripe
):
    import re

    from orders.models import Order
    from tests.orders.test_pages import add, physical, place

    from .browser_stand_in import confirm_card_setup

    add(client, physical("240.00"), 1)
    place(client, shipping, **ECHECK_FORM)
    order = Order.objects.get()
    payment = echeck_clear(payment=order.payments.get())
    echeck_return(payment=payment, reason="Hesap kapalı")

    pay_url = reverse("orders:pay", args=[order.number])
    page = client.get(pay_url)
    setup = re.search(r'data-client-secret="(seti_[^"_]+)', page.content.decode())[1]
    confirm_card_setup(fake_stripe, setup, "visa")
    client.post(pay_url, {"action": "pay", "setup_intent": setup})
    order.refresh_from_db()
    assert order.payment_status == "paid"
    assert [p.status for p in order.payments.order_by("pk")] == ["returned", "paid"]
