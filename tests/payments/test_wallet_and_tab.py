"""Saved cards ("My wallet"), one-click buying and the micropayment tab, on the fake Stripe."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from crm.notifications.models import Message
from orders.exceptions import CheckoutError
from orders.models import Cart, CartStatus, Order
from orders.states import OrderStatus
from payments.models import Payment, PaymentEvent, PaymentPurpose, SavedCard, Tab
from payments.services import (
    saved_card_add,
    tab_settle,
    wallet_card_form,
)
from payments.states import PaymentStatus
from tests.factories import UserFactory
from tests.orders.helpers import cart_with, place, stocked_variant, turkish_address

from .browser_stand_in import confirm_card_setup

pytestmark = [pytest.mark.stripe, pytest.mark.django_db]


def save_card(fake_stripe: str, user, card: str = "visa") -> SavedCard:
    """The customer enters a card on "Add a card" (Stripe.js in the browser), we keep it."""
    setup = wallet_card_form(user=user)
    confirm_card_setup(fake_stripe, setup.setup_intent_id, card)
    return saved_card_add(user=user, setup_intent_id=setup.setup_intent_id)


def digital(price: str):
    return stocked_variant(on_hand=0, price=price, product__kind="digital")


@pytest.fixture
def tab_settings(settings):
    settings.TAB_ORDER_LIMIT = "50.00"
    settings.TAB_CREDIT_LIMIT = "300.00"
    settings.TAB_SETTLE_THRESHOLD = "100.00"
    settings.TAB_SETTLE_ATTEMPTS = 3
    return settings


def _charges(sent) -> int:
    return sum(
        1 for method, url, _h in sent if method == "post" and url.endswith("/v1/payment_intents")
    )


# --- My wallet ---------------------------------------------------------------------------------


def test_a_customer_saves_cards_picks_the_default_and_removes_one(fake_stripe, client):
    customer = UserFactory(verified=True)
    client.force_login(customer)
    page = client.get("/en/account/wallet/add/")
    secret = re.search(r'data-client-secret="([^"]+)"', page.content.decode())[1]
    setup_intent = secret.split("_secret_")[0]
    confirm_card_setup(fake_stripe, setup_intent, "visa")
    saved = client.post("/en/account/wallet/add/", {"setup_intent": setup_intent}, follow=True)
    assert "Your card ending 4242 is saved." in saved.content.decode()
    second = save_card(fake_stripe, customer, "declined")
    first = SavedCard.objects.get(last4="4242")
    assert first.is_default and not second.is_default

    client.post(reverse("wallet:default", args=[second.pk]))
    wallet = client.get("/en/account/wallet/").content.decode()
    assert "•••• 0341" in wallet and "•••• 4242" in wallet
    assert wallet.index("0341") < wallet.index("Default card") < wallet.index("4242")
    client.post(reverse("wallet:remove", args=[second.pk]))
    first.refresh_from_db()
    assert first.is_default and not SavedCard.objects.filter(pk=second.pk).exists()

    stranger = Client()
    stranger.force_login(UserFactory(verified=True))
    response = stranger.post(reverse("wallet:remove", args=[first.pk]), follow=True)
    assert "no longer in your wallet" in response.content.decode().replace("&#x27;", "'")
    assert SavedCard.objects.filter(pk=first.pk).exists()


def test_the_address_book_links_to_my_wallet(client):
    client.force_login(UserFactory(verified=True))
    assert reverse("wallet:cards") in client.get(reverse("orders:address_list")).content.decode()


# --- One-click buying --------------------------------------------------------------------------


def _customer_with_card_and_address(fake_stripe: str, card: str = "visa"):
    from orders import services

    customer = UserFactory(verified=True)
    address = turkish_address(user=customer)
    services.address_save(address=address, default_shipping=True, default_billing=True)
    save_card(fake_stripe, customer, card)
    return customer


def test_buy_again_places_a_new_order_with_the_default_card_and_leaves_the_cart_alone(
    fake_stripe, client, django_capture_on_commit_callbacks
):
    customer = _customer_with_card_and_address(fake_stripe)
    song, other = digital("35.00"), digital("20.00")
    past = place(cart_with((song, 2), user=customer), payment_method="wallet")
    cart_with((other, 1), user=customer)  # the customer's open cart, to be left alone
    client.force_login(customer)

    response = client.post(f"/en/account/orders/{past.number}/buy-again/")
    express = client.get(response["Location"])
    html = express.content.decode()
    assert "Distance sales contract" in html or "distance sales contract" in html.lower()
    form = html.split('id="express-form"')[1].split("</form>")[0]
    assert form.count("<button") == 1 and "Buy now" in form  # one button, the texts above it
    token = re.search(r'name="token" value="([^"]+)"', html)[1]
    totals = {
        name: re.search(rf'name="{name}" value="([^"]+)"', html)[1]
        for name in ("items_total", "grand_total")
    }
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(response["Location"], {"token": token, **totals})
    order = Order.objects.exclude(pk=past.pk).get()
    assert done["Location"] == f"/en/orders/{order.number}/"
    assert (order.status, order.payment_status, order.total) == (
        OrderStatus.CONFIRMED,
        PaymentStatus.PAID,
        Decimal("70.00"),
    )
    assert order.payments.get().method == "wallet"
    open_cart = Cart.objects.get(user=customer, status=CartStatus.OPEN)
    assert [line.variant_id for line in open_cart.lines.all()] == [other.pk]
    # The same button pressed again changes nothing.
    again = client.post(response["Location"], {"token": token, **totals})
    assert again["Location"] == f"/orders/{order.number}/" or order.number in again["Location"]
    assert Order.objects.count() == 2


def test_buy_now_on_an_out_of_stock_product_says_so_and_makes_nothing(fake_stripe, client):
    customer = _customer_with_card_and_address(fake_stripe)
    shirt = stocked_variant(on_hand=0, price="100.00")
    client.force_login(customer)
    response = client.post(
        "/en/buy-now/", {"variant": shirt.pk, "quantity": 1}, HTTP_REFERER="/en/", follow=True
    )
    assert "out of stock" in response.content.decode()
    assert not Cart.objects.filter(status=CartStatus.EXPRESS).exists()


def test_buy_now_without_a_saved_card_says_what_to_do(client):
    customer = UserFactory(verified=True)
    client.force_login(customer)
    response = client.post("/en/buy-now/", {"variant": digital("10.00").pk, "quantity": 1})
    page = client.get(response["Location"]).content.decode()
    assert "Save a card in My wallet" in page and 'id="buy-now" disabled' in page


def test_another_customers_express_cart_is_a_404(fake_stripe, client):
    customer = _customer_with_card_and_address(fake_stripe)
    client.force_login(customer)
    response = client.post("/en/buy-now/", {"variant": digital("10.00").pk, "quantity": 1})
    stranger = Client()
    stranger.force_login(UserFactory(verified=True))
    assert stranger.get(response["Location"]).status_code == 404


# --- The micropayment tab ----------------------------------------------------------------------


def test_small_orders_go_on_the_tab_and_settle_in_one_charge_at_the_threshold(
    fake_stripe, sent, tab_settings, django_capture_on_commit_callbacks
):
    customer = _customer_with_card_and_address(fake_stripe)
    orders = []
    for price in ("30.00", "30.00"):
        orders.append(
            place(cart_with((digital(price), 1), user=customer), payment_method="micropayment")
        )
    assert all(o.status == OrderStatus.CONFIRMED and o.payment_status == "on_tab" for o in orders)
    assert _charges(sent) == 0
    with django_capture_on_commit_callbacks(execute=True):
        orders.append(
            place(cart_with((digital("45.00"), 1), user=customer), payment_method="micropayment")
        )
    assert _charges(sent) == 1
    tab = Tab.objects.get()
    assert tab.status == Tab.Status.SETTLED
    settlement = Payment.objects.get(purpose=PaymentPurpose.TAB_SETTLEMENT)
    assert (settlement.amount, settlement.status, settlement.order) == (
        Decimal("105.00"),
        PaymentStatus.PAID,
        None,
    )
    for order in orders:
        order.refresh_from_db()
        assert order.payment_status == PaymentStatus.PAID
        capture = PaymentEvent.objects.get(payment__order=order, kind="capture")
        assert capture.reference == f"tab-settlement-{settlement.pk}-payment-{capture.payment_id}"
    # Running the settlement again charges nothing more.
    assert tab_settle(tab_id=tab.pk) is None and _charges(sent) == 1


def test_the_tab_refuses_orders_over_the_limits_and_guests(fake_stripe, tab_settings):
    customer = _customer_with_card_and_address(fake_stripe)
    with pytest.raises(CheckoutError, match=r"up to ₺50\.00"):
        place(
            cart_with((digital("60.00"), 1), user=customer),
            payment_method="micropayment",
            language="en",
        )
    Cart.objects.filter(user=customer, status=CartStatus.OPEN).delete()
    tab_settings.TAB_CREDIT_LIMIT = "70.00"
    tab_settings.TAB_SETTLE_THRESHOLD = "1000.00"
    place(cart_with((digital("40.00"), 1), user=customer), payment_method="micropayment")
    with pytest.raises(CheckoutError, match="past its limit"):
        place(
            cart_with((digital("40.00"), 1), user=customer),
            payment_method="micropayment",
            language="en",
        )
    Cart.objects.filter(user=customer, status=CartStatus.OPEN).delete()
    with pytest.raises(CheckoutError):
        place(cart_with((digital("10.00"), 1)), payment_method="micropayment")
    unverified = UserFactory(verified=False)
    with pytest.raises(CheckoutError):
        place(cart_with((digital("10.00"), 1), user=unverified), payment_method="micropayment")
    assert Order.objects.count() == 1


def test_a_declined_settlement_blocks_the_tab_tells_the_customer_once_and_is_paid_on_my_tab(
    fake_stripe, client, tab_settings, django_capture_on_commit_callbacks
):
    tab_settings.TAB_SETTLE_THRESHOLD = "1000.00"
    customer = _customer_with_card_and_address(fake_stripe, card="declined")
    order = place(cart_with((digital("40.00"), 1), user=customer), payment_method="micropayment")
    tab = Tab.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        tab_settle(tab_id=tab.pk)
        tab_settle(tab_id=tab.pk)  # the periodic job's retry
    tab.refresh_from_db()
    assert (tab.status, tab.settle_attempts) == (Tab.Status.BLOCKED, 2)
    told = Message.objects.filter(kind="tab_declined", user=customer)
    assert {m.channel for m in told} == {"email", "sms"} and told.count() == 2
    with pytest.raises(CheckoutError, match="declined"):
        place(
            cart_with((digital("10.00"), 1), user=customer),
            payment_method="micropayment",
            language="en",
        )

    client.force_login(customer)
    page = client.get("/en/account/tab/").content.decode()
    assert "was declined" in page and order.number in page
    pay_page = client.get("/en/account/tab/pay/").content.decode()
    setup_intent = re.search(r'data-client-secret="([^"]+)"', pay_page)[1].split("_secret_")[0]
    confirm_card_setup(fake_stripe, setup_intent, "visa")
    paid = client.post("/en/account/tab/pay/", {"setup_intent": setup_intent}, follow=True)
    assert "your tab is paid" in paid.content.decode()
    tab.refresh_from_db()
    order.refresh_from_db()
    assert tab.status == Tab.Status.SETTLED and order.payment_status == PaymentStatus.PAID
    assert told.count() == 2


def test_a_tab_order_cancelled_before_settlement_leaves_the_tab(fake_stripe, tab_settings):
    from payments.services import payment_void, tab_total

    tab_settings.TAB_SETTLE_THRESHOLD = "1000.00"
    customer = _customer_with_card_and_address(fake_stripe)
    kept = place(cart_with((digital("30.00"), 1), user=customer), payment_method="micropayment")
    dropped = place(cart_with((digital("20.00"), 1), user=customer), payment_method="micropayment")
    payment_void(payment=dropped.payments.get())
    tab = Tab.objects.get()
    assert tab_total(tab=tab) == Decimal("30.00")
    settlement = tab_settle(tab_id=tab.pk)
    assert settlement.amount == Decimal("30.00") and settlement.status == PaymentStatus.PAID
    assert kept.payments.get().status == PaymentStatus.PAID
    assert dropped.payments.get().status == PaymentStatus.VOIDED


def test_a_settled_tab_order_is_refunded_from_the_settlement_charge(
    fake_stripe, sent, tab_settings
):
    from payments.services import payment_refund

    tab_settings.TAB_SETTLE_THRESHOLD = "1000.00"
    customer = _customer_with_card_and_address(fake_stripe)
    order = place(cart_with((digital("30.00"), 1), user=customer), payment_method="micropayment")
    settlement = tab_settle(tab_id=Tab.objects.get().pk)
    refund = payment_refund(payment=order.payments.get(), amount=Decimal("30.00"))
    assert refund.status == "succeeded" and refund.reference.startswith("re_")
    assert order.payments.get().status == PaymentStatus.REFUNDED
    assert any(url.endswith("/v1/refunds") for _m, url, _h in sent)
    assert settlement.reference.startswith("pi_")
