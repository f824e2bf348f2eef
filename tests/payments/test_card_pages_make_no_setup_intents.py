"""Opening a card page again and again makes one SetupIntent at Stripe, not one per visit."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import Order
from payments.models import Tab
from payments.services import balance_top_up_create, tab_settle
from tests.factories import UserFactory
from tests.orders.helpers import cart_with
from tests.orders.helpers import place as place_order
from tests.orders.test_pages import BILLING, add, digital, place

from .browser_stand_in import confirm_card_setup
from .test_wallet_and_tab import _customer_with_card_and_address
from .test_wallet_and_tab import digital as tab_digital

pytestmark = [pytest.mark.stripe, pytest.mark.django_db]
VISITS = 5


def _created(sent) -> int:
    """SetupIntents our server asked the fake Stripe server to make."""
    return sum(1 for method, url, _h in sent if method == "post" and url.endswith("/setup_intents"))


def _secret(page) -> str:
    assert page.status_code == 200
    return re.search(r'data-client-secret="([^"]+)"', page.content.decode())[1]


def _visits(client, url: str) -> set[str]:
    return {_secret(client.get(url)) for _ in range(VISITS)}


def test_the_order_payment_page_makes_one_setup_intent_however_often_it_is_opened(
    client, fake_stripe, sent
):
    add(client, digital("39.90"), 1)
    place(client, None, payment_method="card", accept_digital_waiver="on", **BILLING)
    pay_url = reverse("orders:pay", args=[Order.objects.get().number])
    assert len(_visits(client, pay_url)) == 1
    assert _created(sent) == 1
    # Another visitor of the same order (the link is shared) gets the same one too.
    client.cookies.clear()
    client.get(pay_url)
    assert _created(sent) <= 1


def test_the_wallet_and_top_up_card_pages_make_one_setup_intent_for_the_account(
    client, fake_stripe, sent
):
    customer = UserFactory(verified=True)
    client.force_login(customer)
    secrets = _visits(client, "/en/account/wallet/add/")
    payment = balance_top_up_create(user=customer, amount=Decimal("100.00"))
    secrets |= _visits(client, reverse("wallet:top_up_pay", args=[payment.pk]))
    assert len(secrets) == 1 and _created(sent) == 1


def test_a_setup_intent_that_took_a_card_is_not_offered_again(client, fake_stripe, sent):
    customer = UserFactory(verified=True)
    client.force_login(customer)
    first = _secret(client.get("/en/account/wallet/add/"))
    setup_intent = first.split("_secret_")[0]
    confirm_card_setup(fake_stripe, setup_intent, "visa")
    saved = client.post("/en/account/wallet/add/", {"setup_intent": setup_intent}, follow=True)
    assert "Your card ending 4242 is saved." in saved.content.decode()
    second = _visits(client, "/en/account/wallet/add/")
    assert first not in second and len(second) == 1
    assert _created(sent) == 2


def test_the_my_tab_pay_page_makes_one_setup_intent(client, fake_stripe, sent, settings):
    settings.TAB_ORDER_LIMIT = "50.00"
    settings.TAB_CREDIT_LIMIT = "300.00"
    settings.TAB_SETTLE_THRESHOLD = "1000.00"
    customer = _customer_with_card_and_address(fake_stripe, card="declined")
    place_order(cart_with((tab_digital("40.00"), 1), user=customer), payment_method="micropayment")
    tab_settle(tab_id=Tab.objects.get().pk)  # declined: the tab waits for another card
    assert Tab.objects.get().status == Tab.Status.BLOCKED
    before = _created(sent)
    client.force_login(customer)
    assert len(_visits(client, "/en/account/tab/pay/")) == 1
    assert _created(sent) - before == 1
