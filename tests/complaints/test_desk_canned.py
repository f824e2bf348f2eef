"""Canned responses: managers write them with the restricted placeholders (an unknown one is
refused when saving, saying which); on the ticket screen an agent picks one in the ticket's
language, gets it filled in for this ticket in the reply box (no JavaScript), edits and sends."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from complaints.models import TicketMessage
from complaints.services import complaint_open
from crm.models import CannedResponse, Team
from crm.notifications.exceptions import PlaceholderError
from crm.staff.canned import canned_render
from tests.complaints.desk_helpers import agent, guest_ticket
from tests.crm.staff_helpers import staff_groups  # noqa: F401
from tests.factories import UserFactory
from tests.orders.conftest import _english  # noqa: F401  (pages asserted in English)
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.usefixtures("staff_groups")]

BODY = (
    "Merhaba {first_name}, {order_number} numaralı siparişiniz yolda: {tracking_link} "
    "({ticket_number})"
)


def test_a_manager_saves_a_canned_response_and_an_unknown_placeholder_is_refused(client):
    manager = agent("mudur@example.com", group="Complaint manager")
    client.force_login(manager)
    add = reverse("admin:crm_cannedresponse_add")
    data = {"title": "Kargo yolda", "language": "tr", "category": "", "active": "on"}

    refused = client.post(add, {**data, "body": "Merhaba {first_name}, kodunuz {coupon_code}."})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Unknown placeholder {coupon_code}." in page
    assert "{first_name}, {order_number}, {tracking_link}, {ticket_number}" in page
    assert not CannedResponse.objects.exists()

    attribute = client.post(add, {**data, "body": "{first_name.__class__}"})
    assert "Unknown placeholder" in attribute.content.decode()
    assert not CannedResponse.objects.exists()

    saved = client.post(add, {**data, "body": BODY})
    assert saved.status_code == 302 and CannedResponse.objects.get().body == BODY

    agent_only = agent("deniz@example.com")
    client.force_login(agent_only)
    assert client.post(add, {**data, "body": "x"}).status_code == 403  # agents only read them


def test_rendering_fills_only_plain_values_and_refuses_a_broken_text():
    canned = CannedResponse(title="x", body="Sayın {first_name}, {ticket_number}. {{literal}}")
    text = canned_render(canned=canned, values={"first_name": "Ayşe", "ticket_number": "SK-1"})
    assert text == "Sayın Ayşe, SK-1. {literal}"
    with pytest.raises(PlaceholderError):
        canned_render(canned=CannedResponse(body="{email}"), values={})


def _customer_ticket():
    shipping_setup()
    ayse = UserFactory(first_name="Ayşe", email="ayse@example.com", language="tr", verified=True)
    order = place(cart_with((stocked_variant(), 1), user=ayse))
    ticket = complaint_open(
        channel="web",
        category="late_or_missing",
        description="Gelmedi.",
        customer=ayse,
        order=order,
    )
    return ticket, order


def test_an_agent_starts_a_reply_from_a_canned_response_of_the_tickets_language(client):
    ticket, order = _customer_ticket()
    turkish = CannedResponse.objects.create(title="Kargo yolda", language="tr", body=BODY)
    english = CannedResponse.objects.create(title="On its way", language="en", body="Hi")
    CannedResponse.objects.create(title="Eski", language="tr", body="x", active=False)
    CannedResponse.objects.create(
        title="Ödeme", language="tr", body="x", category="payment"
    )  # for another category
    deniz = agent("deniz@example.com", Team.objects.create(name="Kargo"))
    client.force_login(deniz)
    screen = reverse("admin:complaints_ticket_change", args=[ticket.pk])

    page = client.get(screen).content.decode()
    assert "Kargo yolda" in page
    assert "On its way" not in page and "Eski" not in page and "Ödeme</option>" not in page

    page = client.get(screen, {"canned": turkish.pk}).content.decode()
    assert f"Merhaba Ayşe, {order.number} numaralı siparişiniz yolda:" in page
    assert f"?number={order.number}" in page and f"({ticket.number})" in page

    other = client.get(screen, {"canned": english.pk})
    assert [str(m) for m in get_messages(other.wsgi_request)] == [
        "That canned response is not available here."
    ]

    edited = f"Merhaba Ayşe, {order.number} numaralı siparişiniz yarın teslim edilecek."
    client.post(reverse("admin:complaints_ticket_reply", args=[ticket.pk]), {"body": edited})
    assert ticket.messages.get(kind=TicketMessage.Kind.REPLY).body == edited


def test_a_guest_ticket_without_an_order_renders_the_placeholders_it_can(client):
    ticket = guest_ticket()
    canned = CannedResponse.objects.create(
        title="Merhaba", language="tr", body="Merhaba {first_name} ({ticket_number}){order_number}"
    )
    client.force_login(agent("deniz@example.com"))
    screen = reverse("admin:complaints_ticket_change", args=[ticket.pk])
    page = client.get(screen, {"canned": canned.pk}).content.decode()
    assert f"Merhaba Ayşe ({ticket.number})</textarea>" in page
