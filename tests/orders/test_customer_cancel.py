"""A customer cancels an unpacked order from its page, whatever paid it (issue 25).

For each of the six methods: the page says beforehand what comes back, where and by when; the
POST cancels; the real Celery worker voids or refunds the payment against the fake Stripe
server; the page then shows it (and a paid order's credit note). Once packed there is no button
but the reason and the way to return it after delivery.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from orders import services
from orders.models import CreditNote, Order
from payments.models import Payment, Refund, Tab
from payments.services import (
    balance_adjust,
    balance_of,
    echeck_create,
    payment_create,
    payment_start,
    tab_total,
)
from payments.states import REFUNDABLE, VOIDABLE, PaymentStatus
from shop.money import format_money
from tests.conftest import wait_until
from tests.factories import OrderFactory, StaffFactory, UserFactory
from tests.payments.browser_stand_in import fake_stripe as stripe_client
from tests.payments.test_card import _pay
from tests.payments.test_echeck import _details
from tests.payments.test_wallet_and_tab import _customer_with_card_and_address

from .fulfilment_helpers import packed_order, pay
from .helpers import cart_with, place, shipping_setup, stocked_variant

SHIPPING = Decimal("10.00")
PRICE = "30.00"
TOTAL = Decimal("40.00")  # under the tab's limit per order


@pytest.fixture(autouse=True)
def _cheap_delivery(db):
    shipping_setup(price=SHIPPING)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(client: Client, order: Order) -> str:
    return client.get(reverse("orders:confirmation", args=[order.number])).content.decode()


def _placed(customer, method: str) -> Order:
    cart = cart_with((stocked_variant(price=PRICE), 1), user=customer)
    return place(cart, payment_method=method, language="en")


# --- an unpacked order per method ---------------------------------------------------------------


def _card(stripe_url: str) -> Order:
    customer = UserFactory(verified=True)
    order = _placed(customer, "card")
    _pay(stripe_url, order.payments.get(), user=customer)
    return Order.objects.get(pk=order.pk)


def _wallet(stripe_url: str) -> Order:
    customer = _customer_with_card_and_address(stripe_url)
    order = _placed(customer, "wallet")
    services.checkout_payment_start(order=order)
    return Order.objects.get(pk=order.pk)


def _balance(stripe_url: str) -> Order:
    customer = UserFactory(verified=True)
    balance_adjust(user=customer, amount=Decimal("100.00"), reason="Hoş geldin", by=StaffFactory())
    return _placed(customer, "stored_value")


def _tab(stripe_url: str) -> Order:
    customer = _customer_with_card_and_address(stripe_url)
    return _placed(customer, "micropayment")


def _echeck(stripe_url: str) -> Order:
    order = OrderFactory(user=UserFactory(verified=True), payment_method="echeck", total=TOTAL)
    payment = payment_create(order=order, method="echeck", amount=TOTAL, currency="TRY")
    echeck_create(payment=payment, details=_details())
    payment_start(payment=payment)
    return Order.objects.get(pk=order.pk)


def _cod(stripe_url: str) -> Order:
    order = _placed(UserFactory(verified=True), "cod")
    services.checkout_payment_start(order=order)
    return Order.objects.get(pk=order.pk)


# --- where the money went, as the customer and the shop can tell ------------------------------


def _stripe_refunded(stripe_url: str, order: Order, page: str) -> None:
    payment = order.payments.get()
    refund = payment.refunds.get()
    assert (payment.status, refund.status) == (PaymentStatus.REFUNDED, Refund.Status.SUCCEEDED)
    at_stripe = stripe_client(stripe_url).v1.refunds.retrieve(refund.reference)
    assert (at_stripe.payment_intent, at_stripe.amount) == (payment.reference, 4000)
    _refund_and_credit_note_shown(order, page)


def _balance_refunded(stripe_url: str, order: Order, page: str) -> None:
    assert balance_of(user_id=order.user_id) == Decimal("100.00")
    assert order.payments.get().status == PaymentStatus.REFUNDED
    _refund_and_credit_note_shown(order, page)


def _refund_and_credit_note_shown(order: Order, page: str) -> None:
    assert f"Refunded {MONEY}" in page
    note = CreditNote.objects.get(order=order)
    assert note.total == TOTAL
    link = reverse("orders:credit_note", args=[order.number, note.number])
    assert link in page and f"Credit note {note.number}" in page


def _off_the_tab(stripe_url: str, order: Order, page: str) -> None:
    payment = order.payments.get()
    assert payment.status == PaymentStatus.VOIDED
    assert tab_total(tab=Tab.objects.get(pk=payment.tab_id)) == Decimal("0.00")
    assert "Voided" in page


def _voided_nothing_refunded(stripe_url: str, order: Order, page: str) -> None:
    assert order.payments.get().status == PaymentStatus.VOIDED
    assert not Refund.objects.filter(payment__order=order).exists()
    assert "Voided" in page and "Refunded" not in page


@dataclass(frozen=True)
class Case:
    build: Callable[[str], Order]
    status_before: str
    preview: str
    after: Callable[[str, Order, str], None]


with translation.override("en"):
    MONEY = format_money(TOTAL)  # ₺40.00, as the English page writes it
CASES = {
    "card": Case(
        _card,
        PaymentStatus.PAID,
        "{money} goes back to the card you paid with. Your bank shows it within 7 business days.",
        _stripe_refunded,
    ),
    "wallet": Case(
        _wallet,
        PaymentStatus.PAID,
        "{money} goes back to the saved card you paid with. "
        "Your bank shows it within 7 business days.",
        _stripe_refunded,
    ),
    "stored_value": Case(
        _balance,
        PaymentStatus.PAID,
        "{money} goes back to your prepaid balance at once.",
        _balance_refunded,
    ),
    "micropayment": Case(
        _tab,
        PaymentStatus.ON_TAB,
        "{money} comes off your tab at once: it will not be charged.",
        _off_the_tab,
    ),
    "echeck": Case(
        _echeck,
        PaymentStatus.CLEARING,
        "Your e-check for {money} is cancelled at once and will not be collected.",
        _voided_nothing_refunded,
    ),
    "cod": Case(
        _cod,
        PaymentStatus.COD_DUE,
        "You have paid nothing yet, so there is nothing to refund: the {money} due at delivery "
        "will not be collected.",
        _voided_nothing_refunded,
    ),
}


def _settled(order: Order) -> bool:
    """Nothing left open: every attempt voided or refunded, no refund on its way."""
    open_payments = Payment.objects.filter(order=order, status__in=VOIDABLE | REFUNDABLE)
    open_refunds = Refund.objects.filter(
        payment__order=order, status__in=[Refund.Status.RESERVED, Refund.Status.SENT]
    )
    return not open_payments.exists() and not open_refunds.exists()


@pytest.mark.stripe
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("method", list(CASES))
def test_the_customer_reads_where_the_money_goes_cancels_and_the_worker_gives_it_back(
    method, fake_stripe, celery_worker, settings
):
    settings.CANCEL_CARD_REFUND_BUSINESS_DAYS = 7
    case = CASES[method]
    order = case.build(fake_stripe)
    assert (order.status, order.payment_status) == ("confirmed", case.status_before)
    client = _signed_in(order.user)

    before = _page(client, order)
    # The amount the payment holds (cash on delivery adds its fee to the order's total).
    preview = case.preview.format(money=format_money(order.payments.get().amount))
    assert preview in " ".join(before.split())
    assert reverse("orders:cancel", args=[order.number]) in before

    done = client.post(reverse("orders:cancel", args=[order.number]), follow=True)
    assert "Your order has been cancelled." in done.content.decode()
    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == ("cancelled", "customer")

    assert wait_until(lambda: _settled(order)), "the worker voided or refunded the payment"
    after = _page(client, order)
    assert reverse("orders:cancel", args=[order.number]) not in after
    case.after(fake_stripe, Order.objects.get(pk=order.pk), after)


# --- without the worker: the page, the refusals, the repeats ------------------------------------


@pytest.mark.django_db
def test_a_packed_order_has_no_cancel_button_but_says_why_and_how_to_return_it(settings):
    customer = UserFactory(verified=True)
    order = packed_order(user=customer)
    client = _signed_in(customer)
    page = " ".join(_page(client, order).split())
    assert reverse("orders:cancel", args=[order.number]) not in page
    assert "can no longer be cancelled: it is already packed" in page
    assert f"return it within {settings.WITHDRAWAL_DAYS} days of delivery" in page
    assert reverse("shop:legal", args=["returns"]) in page

    refused = client.post(reverse("orders:cancel", args=[order.number]), follow=True)
    assert "can no longer be cancelled" in refused.content.decode()
    assert Order.objects.get(pk=order.pk).status == "packed"


@pytest.mark.django_db
def test_a_delivered_order_offers_the_return_not_the_packed_explanation():
    customer = UserFactory(verified=True)
    order = OrderFactory(user=customer, status="delivered")
    page = _page(_signed_in(customer), order)
    assert "can no longer be cancelled" not in page
    assert reverse("orders:cancel", args=[order.number]) not in page


@pytest.mark.django_db
def test_another_customers_order_is_not_found_and_stays_as_it_was(
    django_capture_on_commit_callbacks,
):
    order = _balance("")
    stranger = _signed_in(UserFactory(verified=True))
    url = reverse("orders:cancel", args=[order.number])
    with django_capture_on_commit_callbacks(execute=True):
        assert stranger.post(url).status_code == 404
        assert Client().post(url).status_code == 404  # a guest without the order in its session
    assert stranger.get(reverse("orders:confirmation", args=[order.number])).status_code == 404
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("confirmed", "paid")
    assert balance_of(user_id=order.user_id) == Decimal("60.00")


@pytest.mark.django_db
def test_a_double_post_cancels_and_refunds_once(django_capture_on_commit_callbacks):
    order = _balance("")
    client = _signed_in(order.user)
    url = reverse("orders:cancel", args=[order.number])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(url, follow=True)  # a double click, or the back button
    assert second.status_code == 200
    order.refresh_from_db()
    assert order.status == "cancelled" and order.payment_status == "refunded"
    assert order.events.filter(to_status="cancelled").count() == 1
    assert Refund.objects.filter(payment__order=order).count() == 1
    assert balance_of(user_id=order.user_id) == Decimal("100.00")
    page = _page(client, order)
    assert page.count(f"Refunded {MONEY}") == 1


@pytest.mark.django_db
def test_a_payment_arriving_after_the_cancellation_is_refunded(
    django_capture_on_commit_callbacks, monkeypatch
):
    """The card was still being paid (3-D Secure) when the customer cancelled: the capture
    that arrives afterwards finds the order cancelled and is refunded in full."""
    queued: list[tuple] = []
    customer = UserFactory(verified=True)
    order = _placed(customer, "card")
    client = _signed_in(customer)
    preview = " ".join(_page(client, order).split())
    assert "Nothing has been charged, so there is nothing to refund." in preview

    from shop import background

    real = background.task_named

    class Recorded:
        def __init__(self, name: str) -> None:
            self.name = name
            real(name)

        def apply_async(self, args, kwargs, **options) -> None:
            queued.append((self.name, *args))

    monkeypatch.setattr(background, "task_named", Recorded)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("orders:cancel", args=[order.number]))
    payment = order.payments.get()
    assert ("payments.void_payment", payment.pk) in queued

    with django_capture_on_commit_callbacks(execute=True):
        pay(order)  # the bank's capture, late
    order.refresh_from_db()
    assert order.status == "cancelled" and order.needs_review
    assert ("payments.refund_payment_in_full", payment.pk) in queued


@pytest.mark.django_db
def test_the_order_page_runs_a_pinned_number_of_queries_with_the_cancel_preview(
    django_assert_max_num_queries,
):
    customer = UserFactory(verified=True)
    cod = _placed(customer, "cod")
    services.checkout_payment_start(order=cod)
    paid = pay(_placed(customer, "card"))  # paid and invoiced: a refund line to preview
    client = _signed_in(customer)
    for order in (cod, paid):
        assert reverse("orders:cancel", args=[order.number]) in _page(client, order)
    with django_assert_max_num_queries(13) as cod_run:
        _page(client, cod)
    with django_assert_max_num_queries(len(cod_run.captured_queries)):
        _page(client, paid)


@pytest.mark.django_db
def test_the_preview_and_the_packed_explanation_read_in_turkish(settings):
    customer = UserFactory(verified=True, language="tr")
    paid = pay(_placed(customer, "card"))
    packed = packed_order(user=customer)
    client = _signed_in(customer)
    with translation.override("tr"):
        amount = format_money(paid.payments.get().amount)
        paid_page = " ".join(_page(client, paid).split())
        packed_page = " ".join(_page(client, packed).split())
    assert paid_page.startswith('<!DOCTYPE html> <html lang="tr">')
    assert (
        f"{amount} ödediğiniz karta iade edilir. Bankanız bunu "
        f"{settings.CANCEL_CARD_REFUND_BUSINESS_DAYS} iş günü içinde gösterir."
    ) in paid_page
    assert "Bu siparişi iptal et" in paid_page and "goes back" not in paid_page
    assert "Bu sipariş artık iptal edilemez" in packed_page
    assert f"teslimden itibaren {settings.WITHDRAWAL_DAYS} gün içinde" in packed_page
