"""The call-centre console: one search box, and the screen-pop a telephone system opens."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from crm.staff.lookup import customer_360_url, customer_lookup
from tests.crm.staff_helpers import staff_groups  # noqa: F401
from tests.factories import OrderFactory, StaffFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("staff_groups")]

LOOKUP = "/en/admin/crm/lookup/"


@pytest.fixture
def agent_client() -> Client:
    agent = StaffFactory(is_superuser=False, email="agent@example.com", phone="")
    agent.groups.add(Group.objects.get(name="Call-centre agent"))
    client = Client()
    client.force_login(agent)
    return client


@pytest.mark.parametrize(
    "typed", ["0532 123 45 67", "+905321234567", "5321234567", "(0532) 123-4567"]
)
def test_a_customer_is_found_by_phone_in_any_written_form(agent_client, typed):
    ayse = UserFactory(phone="+905321234567", first_name="Ayşe", email="ayse@example.com")
    UserFactory(phone="+905559876543", email="other@example.com")

    response = agent_client.get(LOOKUP, {"q": typed})

    assert response.status_code == 200
    assert [row["user"] for row in response.context["accounts"]] == [ayse]
    assert "ayse@example.com" in response.text


def test_a_guests_orders_are_found_by_email_in_any_case(agent_client):
    OrderFactory(user=None, email="Misafir@Example.com", number="DK-AAAA-0001")
    OrderFactory(user=None, email="misafir@example.com", number="DK-AAAA-0002")
    OrderFactory(user=None, email="someone@example.com", number="DK-AAAA-0003")

    response = agent_client.get(LOOKUP, {"q": "misafir@example.com"})

    numbers = {order.number for order in response.context["result"].guest_orders}
    assert numbers == {"DK-AAAA-0001", "DK-AAAA-0002"}
    assert "DK-AAAA-0001" in response.text
    assert 'id="lookup-new-contact"' in response.text  # a guest: no account


def test_a_guests_orders_are_found_by_phone_and_by_order_number():
    guest_order = OrderFactory(user=None, email="g@example.com", phone="+905441112233")
    member = UserFactory(phone="", email="member@example.com")
    OrderFactory(user=member, phone="+905441112233", number="DK-BBBB-0001")

    by_phone = customer_lookup(query="0544 111 22 33")
    assert by_phone.guest_orders == [guest_order]
    assert by_phone.accounts == [member]  # ordered with that phone, though not on the account
    by_number = customer_lookup(query="dk-bbbb-0001")
    assert by_number.kind == "order"
    assert by_number.accounts == [member]
    assert customer_lookup(query=guest_order.number).guest_orders == [guest_order]


def test_a_customer_is_found_by_name_and_by_email():
    ayse = UserFactory(first_name="Ayşe", last_name="Yılmaz", email="ayse.y@example.com")
    UserFactory(first_name="Mehmet", last_name="Yılmaz")
    assert customer_lookup(query="Ayşe Yılmaz").accounts == [ayse]
    # Typed on a keyboard without Turkish letters, or in capitals: the same customer.
    assert customer_lookup(query="ayse yilmaz").accounts == [ayse]
    assert customer_lookup(query="AYŞE").accounts == [ayse]
    assert len(customer_lookup(query="YILMAZ").accounts) == 2
    assert customer_lookup(query="AYSE.Y@example.com").accounts == [ayse]


def test_the_screen_pop_opens_the_one_customer_found(agent_client):
    ayse = UserFactory(phone="+905321234567")

    response = agent_client.get(LOOKUP, {"phone": "05321234567"})

    assert response.status_code == 302
    assert response["Location"] == customer_360_url(ayse.pk)


def test_the_screen_pop_offers_a_new_customer_or_ticket_when_nobody_is_found(agent_client):
    response = agent_client.get(LOOKUP, {"phone": "+90 532 000 00 00"})

    assert response.status_code == 200
    page = response.text
    assert "No customer account found" in page
    assert 'id="new-customer-link"' in page
    assert 'id="phone-order-link"' in page
    assert "contact_phone=%2B905320000000" in page  # log an interaction for the guest contact
    # The phone order starts with the caller's number already filled in.
    assert "/admin/orders/order/phone/?phone=%2B905320000000" in page
    agent_client.force_login(StaffFactory(is_superuser=True))
    start = agent_client.get("/en/admin/orders/order/phone/", {"phone": "+905320000000"})
    assert 'value="+905320000000"' in start.text


def test_the_screen_pop_lists_several_customers_with_one_number(agent_client):
    UserFactory(phone="+905321234567", email="one@example.com")
    UserFactory(phone="+905321234567", email="two@example.com")

    response = agent_client.get(LOOKUP, {"phone": "5321234567"})

    assert response.status_code == 200
    assert len(response.context["accounts"]) == 2
    assert "No customer account found" not in response.text


def test_a_number_that_cannot_be_a_phone_gets_a_clear_message(agent_client):
    response = agent_client.get(LOOKUP, {"phone": "12345"})

    assert response.status_code == 200
    assert "This cannot be a Turkish or international phone number" in response.text
    assert response.context["result"] is None


def test_staff_without_the_lookup_permission_get_403():
    clerk = StaffFactory(is_superuser=False, email="warehouse@example.com")
    clerk.groups.add(Group.objects.get(name="Warehouse"))
    client = Client()
    client.force_login(clerk)

    assert client.get(LOOKUP, {"phone": "05321234567"}).status_code == 403
    assert client.get(LOOKUP, {"q": "ayse"}).status_code == 403


def test_the_lookup_runs_a_fixed_number_of_queries(agent_client, django_assert_max_num_queries):
    for n in range(30):
        UserFactory(phone="+905321234567", email=f"many{n}@example.com")
        OrderFactory(user=None, phone="+905321234567", email=f"guest{n}@example.com")

    agent_client.get(LOOKUP, {"q": "05321234567"})  # warm the session and permissions
    # the signed-in agent, their permissions (2), accounts, guest orders: whatever the count
    with django_assert_max_num_queries(5):
        response = agent_client.get(LOOKUP, {"q": "0532 123 45 67"})
    assert len(response.context["accounts"]) == 30
    assert len(response.context["result"].guest_orders) == 30
