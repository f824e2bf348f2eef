"""Staff intake and the outsourced view: an agent opens a phone complaint from the customer 360
or, for a guest, from the call-centre console, and lands on the new ticket; an order must be
that customer's. An agent whose only teams are outsourced sees the customer's name, not their
email, phone or address."""

import pytest
from django.urls import reverse

from complaints.models import Ticket
from complaints.services import complaint_open
from crm.models import Team
from shop.models import AuditEntry
from tests.complaints.desk_helpers import agent, guest_ticket
from tests.crm.staff_helpers import staff_groups  # noqa: F401
from tests.factories import UserFactory
from tests.orders.conftest import _english  # noqa: F401  (pages asserted in English)
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.usefixtures("staff_groups")]

INTAKE = {
    "channel": "phone",
    "category": "wrong_or_damaged",
    "priority": "high",
    "desired_outcome": "replacement",
    "description": "Telefonda anlattı: bardak kırık geldi.",
}


def test_an_agent_opens_a_phone_complaint_from_the_customer_360(client):
    shipping_setup()
    ayse = UserFactory(first_name="Ayşe", email="ayse@example.com", verified=True)
    hers = place(cart_with((stocked_variant(), 1), user=ayse))
    someone_elses = place(cart_with((stocked_variant(), 1), user=UserFactory(verified=True)))
    deniz = agent("deniz@example.com", Team.objects.create(name="Kargo"))
    client.force_login(deniz)

    page = client.get(reverse("admin:crm_customer360", args=[ayse.pk])).content.decode()
    intake = f"{reverse('admin:complaints_ticket_intake')}?customer={ayse.pk}"
    assert f'href="{intake}"' in page and "Open a complaint" in page

    wrong = client.post(intake, {**INTAKE, "order_number": someone_elses.number})
    assert "This is not an order of this customer." in wrong.content.decode()
    assert not Ticket.objects.exists()

    answer = client.post(intake, {**INTAKE, "order_number": hers.number.lower()})
    ticket = Ticket.objects.get()
    assert answer["Location"] == reverse("admin:complaints_ticket_change", args=[ticket.pk])
    assert ticket.customer == ayse and ticket.order == hers and ticket.created_by == deniz
    assert (ticket.channel, ticket.priority, ticket.desired_outcome) == (
        "phone",
        "high",
        "replacement",
    )
    assert ticket.messages.get().body == INTAKE["description"]
    assert AuditEntry.objects.filter(action="complaint.open", actor=deniz).exists()
    screen = client.get(answer["Location"]).content.decode()
    assert f"Complaint {ticket.number} is open." in screen


def test_an_agent_opens_a_complaint_for_a_guest_from_the_console(client):
    shipping_setup()
    guest_order = place(cart_with((stocked_variant(), 1)), email="misafir@example.com")
    deniz = agent("deniz@example.com")
    client.force_login(deniz)

    console = client.get(reverse("admin:crm_lookup_changelist"), {"q": "0532 765 43 21"})
    page = console.content.decode()
    assert "Open a complaint" in page
    intake = reverse("admin:complaints_ticket_intake")
    assert f"{intake}?phone=%2B905327654321" in page

    form = client.get(intake, {"phone": "+905327654321"}).content.decode()
    assert 'value="+905327654321"' in form

    refused = client.post(
        f"{intake}?phone=%2B905327654321",
        {**INTAKE, "contact_phone": "+905327654321", "order_number": guest_order.number},
    )
    assert "This is not an order of this customer." in refused.content.decode()
    answer = client.post(
        intake,
        {
            **INTAKE,
            "channel": "store",
            "contact_name": "Misafir Kişi",
            "contact_email": "misafir@example.com",
            "order_number": guest_order.number,
        },
    )
    ticket = Ticket.objects.get()
    assert answer.status_code == 302 and ticket.customer is None
    assert ticket.order == guest_order and ticket.contact_email == "misafir@example.com"

    nobody = client.post(intake, {**INTAKE})
    assert "Give an email address or a phone number" in nobody.content.decode()
    assert Ticket.objects.count() == 1

    by_order = client.get(reverse("admin:crm_lookup_changelist"), {"q": guest_order.number})
    assert f"order={guest_order.number}" in by_order.content.decode()


def test_an_outsourced_agent_sees_the_name_but_not_the_contact_details(client):
    shipping_setup()
    ayse = UserFactory(
        first_name="Ayşe",
        last_name="Kaya",
        email="ayse@example.com",
        phone="+905321234567",
        verified=True,
    )
    order = place(cart_with((stocked_variant(), 1), user=ayse))
    ticket = complaint_open(
        channel="web", category="other", description="Soru", customer=ayse, order=order
    )
    street = order.shipping_address["lines"][1]  # the street (the first line is the name)
    outside = Team.objects.create(name="Dış çağrı merkezi", outsourced=True)
    inside = Team.objects.create(name="Kargo")
    screen = reverse("admin:complaints_ticket_change", args=[ticket.pk])

    client.force_login(agent("dis@example.com", outside))
    page = client.get(screen).content.decode()
    assert "Ayşe Kaya" in page and ticket.number in page and order.number in page
    assert "ayse@example.com" not in page and "+905321234567" not in page
    assert street not in page
    assert "a•••@•••.com" in page and "•••67" in page
    assert reverse("admin:crm_customer360", args=[ayse.pk]) not in page

    client.force_login(agent("ikisi@example.com", outside, inside))  # also in-house: all of it
    page = client.get(screen).content.decode()
    assert "ayse@example.com" in page and street in page
    assert reverse("admin:crm_customer360", args=[ayse.pk]) in page


def test_a_guest_ticket_is_masked_too(client):
    ticket = guest_ticket()
    client.force_login(agent("dis@example.com", Team.objects.create(name="Dış", outsourced=True)))
    page = client.get(reverse("admin:complaints_ticket_change", args=[ticket.pk])).content.decode()
    assert "Ayşe Kaya" in page and "ayse@example.com" not in page and "+905321234567" not in page
