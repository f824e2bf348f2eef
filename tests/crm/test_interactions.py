"""Interactions: a log of contacts on every channel, for customers and guest contacts."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import translation

from crm.models import Interaction
from crm.staff.exceptions import InteractionRefused
from crm.staff.interactions import interaction_log, interactions_of
from tests.crm.staff_helpers import staff_groups  # noqa: F401
from tests.factories import OrderFactory, StaffFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("staff_groups")]


def test_a_call_is_logged_against_the_customer_with_its_order_and_complaint():
    agent = StaffFactory(is_superuser=False)
    order = OrderFactory()

    logged = interaction_log(
        agent=agent,
        channel="phone",
        direction="inbound",
        summary="Asked where the parcel is; gave the tracking number.",
        outcome="information_given",
        order=order,
        recording_ref="rec-2026-12-07-0001",
        subject=("complaint", 17),
    )

    assert logged.customer == order.user  # the order names the customer
    assert (logged.subject_type, logged.subject_id) == ("complaint", "17")
    assert list(interactions_of(customer=order.user)) == [logged]


def test_a_guest_contact_is_logged_by_phone_in_any_written_form():
    logged = interaction_log(
        agent=None,
        channel="whatsapp",
        direction="inbound",
        summary="Asked about sizes.",
        outcome="information_given",
        contact_phone="0532 123 45 67",
    )
    assert logged.customer is None
    assert logged.contact_phone == "+905321234567"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"contact_phone": ""}, "Name the customer, or the guest's email or phone."),
        ({"outcome": "lost"}, "Choose an outcome."),
        ({"summary": "  "}, "Write a short summary of the contact."),
        ({"contact_phone": "123"}, "This cannot be a Turkish or international phone number"),
    ],
)
def test_an_incomplete_interaction_is_refused_and_nothing_is_saved(changes, message):
    fields = {
        "agent": None,
        "channel": "phone",
        "direction": "outbound",
        "summary": "Called back.",
        "outcome": "resolved",
        "contact_phone": "+905321234567",
        **changes,
    }
    with translation.override("en"), pytest.raises(InteractionRefused, match=message):
        interaction_log(**fields)
    assert not Interaction.objects.exists()


def test_the_admin_list_filters_by_channel_and_outcome_and_logs_a_guest_call():
    agent = StaffFactory(is_superuser=False, email="agent@example.com")
    agent.groups.add(Group.objects.get(name="Call-centre agent"))
    customer = UserFactory(email="musteri@example.com")
    interaction_log(
        agent=agent,
        channel="email",
        direction="inbound",
        summary="Invoice copy",
        outcome="resolved",
        customer=customer,
    )
    interaction_log(
        agent=agent,
        channel="phone",
        direction="inbound",
        summary="No one spoke",
        outcome="no_answer",
        contact_phone="+905551112233",
    )
    client = Client()
    client.force_login(agent)

    listed = client.get("/en/admin/crm/interaction/", {"channel__exact": "email"})
    assert listed.status_code == 200
    assert "musteri@example.com" in listed.text
    assert "+905551112233" not in listed.text
    by_outcome = client.get("/en/admin/crm/interaction/", {"outcome__exact": "no_answer"})
    assert "+905551112233" in by_outcome.text

    form = client.get(
        "/en/admin/crm/interaction/add/", {"contact_phone": "+905320000000", "channel": "phone"}
    )
    assert 'value="+905320000000"' in form.text  # the console's "new ticket" link prefills it
    response = client.post(
        "/en/admin/crm/interaction/add/",
        {
            "contact_phone": "0532 000 00 00",
            "channel": "phone",
            "direction": "inbound",
            "outcome": "complaint_opened",
            "summary": "Broken item, wants a replacement.",
        },
    )
    assert response.status_code == 302
    saved = Interaction.objects.get(outcome="complaint_opened")
    assert (saved.agent, saved.contact_phone) == (agent, "+905320000000")


def test_the_admin_form_refuses_a_bad_phone_on_the_form_itself():
    agent = StaffFactory(is_superuser=False, email="agent@example.com")
    agent.groups.add(Group.objects.get(name="Call-centre agent"))
    client = Client()
    client.force_login(agent)
    fields = {"channel": "phone", "direction": "inbound", "outcome": "resolved", "summary": "x"}

    bad_phone = client.post("/en/admin/crm/interaction/add/", {**fields, "contact_phone": "99"})
    nobody = client.post("/en/admin/crm/interaction/add/", fields)

    assert bad_phone.status_code == 200
    assert "This cannot be a Turkish or international phone number" in bad_phone.text
    assert "Name the customer, or the guest&#x27;s email or phone." in nobody.text
    assert not Interaction.objects.exists()
