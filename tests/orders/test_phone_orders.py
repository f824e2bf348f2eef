"""Phone orders: an agent builds a cart for a customer in the admin, the shop places it and
emails the customer a link to pay; the order says it came from the agent."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from crm.notifications.models import Message
from orders.models import Cart, Order
from orders.states import OrderSource, OrderStatus
from payments.states import PaymentStatus
from shop.models import AuditEntry
from tests.factories import UserFactory
from tests.payments.browser_stand_in import confirm_card_setup

from .helpers import shipping_setup, signed_in_client, stocked_variant

pytestmark = pytest.mark.django_db

ADDRESS = {
    "full_name": "Ayşe Yılmaz",
    "phone": "0532 123 45 67",
    "country": "TR",
    "province": "istanbul",
    "district": "Kadıköy",
    "neighbourhood": "Moda",
    "street": "Caferağa Sok. 5/3",
    "postal_code": "34710",
    "billing_type": "individual",
}


def _agent(*, allowed: bool = True):
    agent = UserFactory(verified=True, is_staff=True, email="temsilci@example.com", language="en")
    if allowed:
        agent.user_permissions.add(Permission.objects.get(codename="place_phone_order"))
    return signed_in_client(agent), agent


def _start_url() -> str:
    return reverse("admin:orders_order_phone_start")  # in English: /en/admin/…


def _start(browser: Client, email: str) -> str:
    answer = browser.post(
        _start_url(),
        {"email": email, "full_name": "Ayşe Yılmaz", "phone": "05321234567", "language": "en"},
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    return answer["Location"]


def _add(browser: Client, cart_url: str, sku: str, quantity: int = 1):
    return browser.post(cart_url, {"action": "add", "sku": sku, "quantity": quantity}, follow=True)


def _place(browser: Client, cart_url: str, *, payment_method: str, **extra: str):
    page = browser.get(cart_url).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page)[1]
    email = re.search(r'name="email" value="([^"]*)"', page)[1]
    data = {
        **ADDRESS,
        "token": token,
        "email": email,
        "language": "en",
        "payment_method": payment_method,
        "accept_terms": "on",
        "action": "place",
        **extra,
    }
    return browser.post(cart_url, data)


def _link_in_email(order: Order) -> str:
    message = Message.objects.get(kind="order_pay_link", channel="email")
    assert message.recipient == order.email
    url = re.search(r"https?://\S+", message.body_text.split("Pay now:")[-1])[0]
    assert url.startswith(settings.SITE_URL)
    return url.removeprefix(settings.SITE_URL)


@pytest.mark.stripe
def test_an_agent_takes_a_guests_order_and_the_guest_pays_by_card_from_the_email(
    fake_stripe, django_capture_on_commit_callbacks
):
    shipping_setup()
    stocked_variant(on_hand=5, price="150.00", sku="TSHIRT-RED-M")
    browser, agent = _agent()
    cart_url = _start(browser, "misafir@example.com")

    too_many = _add(browser, cart_url, "tshirt-red-m", 9)
    assert "Only 5" in too_many.content.decode()  # the cart service checked the stock
    unknown = _add(browser, cart_url, "NOPE")
    assert "No product has the SKU NOPE" in unknown.content.decode()
    page = _add(browser, cart_url, "TSHIRT-RED-M", 2).content.decode()
    assert "TSHIRT-RED-M" in page

    with django_capture_on_commit_callbacks(execute=True):
        placed = _place(browser, cart_url, payment_method="card")
    assert placed.status_code == 302, placed.content.decode()[:3000]
    order = Order.objects.get()
    assert (order.source, order.agent, order.user) == (OrderSource.AGENT, agent, None)
    assert order.status == OrderStatus.PENDING_PAYMENT and order.total > 0
    assert order.email == "misafir@example.com"
    assert Cart.objects.get(pk=order.checkout_token.split(".")[0]).status == "ordered"
    assert AuditEntry.objects.filter(action="phone_order_place", actor=agent).count() == 1
    # The customer's own shop session never saw this order: only the signed link opens it.
    pay_path = _link_in_email(order)
    assert "?t=" in pay_path

    customer = Client()
    pay_page = customer.get(pay_path)
    assert pay_page.status_code == 200
    setup_intent = re.search(r'data-client-secret="([^"]+)"', pay_page.content.decode())[1]
    setup_intent = setup_intent.split("_secret_")[0]
    confirm_card_setup(fake_stripe, setup_intent, "visa")
    with django_capture_on_commit_callbacks(execute=True):
        paid = customer.post(
            reverse("orders:pay", args=[order.number]),
            {"action": "pay", "setup_intent": setup_intent},
        )
    assert paid["Location"] == reverse("orders:confirmation", args=[order.number])
    order.refresh_from_db()
    assert (order.status, order.payment_status) == (OrderStatus.CONFIRMED, PaymentStatus.PAID)


def test_an_order_for_an_account_pays_at_the_door_and_the_account_sees_it(
    django_capture_on_commit_callbacks,
):
    shipping_setup()
    stocked_variant(on_hand=5, price="150.00", sku="MUG-1")
    customer = UserFactory(verified=True, email="ayse@example.com", language="en")
    browser, agent = _agent()
    cart_url = _start(browser, "AYSE@example.com")
    _add(browser, cart_url, "MUG-1", 1)

    with django_capture_on_commit_callbacks(execute=True):
        placed = _place(browser, cart_url, payment_method="cod")
    assert placed.status_code == 302, placed.content.decode()[:3000]
    order = Order.objects.get()
    assert (order.user, order.source, order.agent) == (customer, "agent", agent)
    assert order.status == OrderStatus.CONFIRMED and order.payment_status == "cod_due"
    assert not Cart.objects.filter(user=customer, status="open").exists()  # theirs untouched

    message = Message.objects.get(kind="order_pay_link", channel="email")
    assert message.recipient == "ayse@example.com"
    assert "You pay the courier at delivery." in message.body_text
    own = signed_in_client(customer)
    assert own.get(reverse("orders:confirmation", args=[order.number])).status_code == 200
    agent.user_permissions.add(Permission.objects.get(codename="view_order"))
    admin_page = browser.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert agent.email in admin_page.content.decode()


@pytest.mark.stripe
def test_the_account_holder_pays_after_signing_in(fake_stripe, django_capture_on_commit_callbacks):
    shipping_setup()
    stocked_variant(on_hand=5, sku="BOOK-1")
    customer = UserFactory(verified=True, email="kitap@example.com", language="en")
    browser, _agent_user = _agent()
    cart_url = _start(browser, customer.email)
    _add(browser, cart_url, "BOOK-1")
    with django_capture_on_commit_callbacks(execute=True):
        _place(browser, cart_url, payment_method="card")
    order = Order.objects.get()
    link = _link_in_email(order)
    pay_path = reverse("orders:pay", args=[order.number])
    assert link.startswith(reverse("account_login")) and "next=" in link
    assert signed_in_client(customer).get(pay_path).status_code == 200
    assert Client().get(pay_path).status_code == 404  # no one else


def test_placing_the_same_page_twice_makes_one_order_and_one_email(
    django_capture_on_commit_callbacks,
):
    shipping_setup()
    stocked_variant(on_hand=5, sku="CUP-1")
    browser, _agent_user = _agent()
    cart_url = _start(browser, "iki@example.com")
    _add(browser, cart_url, "CUP-1")
    page = browser.get(cart_url).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page)[1]
    data = {
        **ADDRESS,
        "token": token,
        "email": "iki@example.com",
        "language": "en",
        "payment_method": "cod",
        "accept_terms": "on",
        "action": "place",
    }
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(cart_url, data)
    second = browser.post(cart_url, data, follow=True)
    assert f"Order {Order.objects.get().number} was placed." in second.content.decode()
    assert Order.objects.count() == 1
    assert Message.objects.filter(kind="order_pay_link", channel="email").count() == 1


def test_terms_must_be_accepted_on_the_call():
    shipping_setup()
    stocked_variant(on_hand=5, sku="CUP-2")
    browser, _agent_user = _agent()
    cart_url = _start(browser, "kabul@example.com")
    _add(browser, cart_url, "CUP-2")
    answer = _place(browser, cart_url, payment_method="cod", accept_terms="")
    assert answer.status_code == 400
    assert "The customer must accept the texts first." in answer.content.decode()
    assert not Order.objects.exists()


def test_a_staff_member_without_the_permission_gets_403():
    browser, _agent_user = _agent(allowed=False)
    assert browser.get(_start_url()).status_code == 403
    cart = Cart.objects.create(status="agent")
    assert browser.get(reverse("admin:orders_order_phone", args=[cart.pk])).status_code == 403
    assert (
        browser.post(_start_url(), {"email": "x@example.com", "language": "en"}).status_code == 403
    )
    assert Cart.objects.count() == 1


def test_web_orders_say_so():
    from .helpers import cart_with, place

    shipping_setup()
    order = place(cart_with((stocked_variant(), 1)))
    assert (order.source, order.agent) == (OrderSource.WEB, None)


def test_the_agents_cart_page_runs_the_same_queries_for_one_line_or_five(
    django_assert_max_num_queries,
):
    shipping_setup()
    browser, _agent_user = _agent()
    small, large = _start(browser, "az@example.com"), _start(browser, "cok@example.com")
    _add(browser, small, stocked_variant(sku="ONE").sku)
    for n in range(5):
        _add(browser, large, stocked_variant(sku=f"MANY-{n}").sku)
    browser.get(small)  # the per-worker catalog memory is warm, as on a busy shop
    browser.get(large)
    # The agent and their permissions, the cart, the shipping methods and rates, the lines.
    with django_assert_max_num_queries(7) as one_line:
        assert browser.get(small).status_code == 200
    with django_assert_max_num_queries(len(one_line.captured_queries)):
        assert browser.get(large).status_code == 200
