"""The customer's side of the desk: the complaint form from an order line, "My complaints", a
ticket's page with its public conversation, and the guest's signed link. Another customer's
ticket is a 404, and an internal note never shows."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from complaints.links import ticket_url
from complaints.models import Ticket, TicketMessage
from complaints.services import complaint_note, complaint_reply
from complaints.states import TicketStatus
from tests.factories import StaffFactory, UserFactory
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant

pytestmark = pytest.mark.django_db


def _order(customer=None, **overrides):
    shipping_setup()
    cart = cart_with((stocked_variant(), 1), (stocked_variant(), 2), user=customer)
    return place(cart, **overrides)


def test_a_customer_complains_about_one_item_and_follows_it_on_my_complaints(
    client, django_capture_on_commit_callbacks
):
    ayse = UserFactory(verified=True, language="en")
    order = _order(ayse)
    line = order.lines.order_by("pk").last()
    client.force_login(ayse)
    order_page = client.get(reverse("orders:confirmation", args=[order.number])).content.decode()
    link = f"{reverse('complaints:new')}?order={order.number}&amp;line={line.pk}"
    assert link in order_page
    form = client.get(link.replace("&amp;", "&"))
    assert form.context["form"]["lines"].initial == [str(line.pk)]

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("complaints:new"),
            {
                "order_number": order.number,
                "lines": [str(line.pk)],
                "category": "wrong_or_damaged",
                "desired_outcome": "replacement",
                "description": "The mug arrived broken.",
            },
        )
    ticket = Ticket.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("complaints:detail", args=[ticket.number])
    assert (ticket.customer, ticket.order, ticket.channel) == (ayse, order, "web")
    assert list(ticket.lines.values_list("order_line", flat=True)) == [line.pk]
    assert mail.outbox[-1].to == [ayse.email] and ticket.number in mail.outbox[-1].subject

    complaint_reply(ticket=ticket, by=StaffFactory(), body="We are sending a new one.")
    complaint_note(ticket=ticket, by=StaffFactory(), body="Supplier batch 7 again.")
    page = client.get(reverse("complaints:detail", args=[ticket.number])).content.decode()
    assert "The mug arrived broken." in page and "We are sending a new one." in page
    assert "Supplier batch 7" not in page
    listing = client.get(reverse("complaints:list")).content.decode()
    assert ticket.number in listing

    client.post(reverse("complaints:detail", args=[ticket.number]), {"body": "Thank you!"})
    assert ticket.messages.filter(kind=TicketMessage.Kind.CUSTOMER).count() == 2


def test_another_customers_ticket_is_a_404(client):
    owner, other = UserFactory(verified=True), UserFactory(verified=True)
    client.force_login(owner)
    client.post(reverse("complaints:new"), {"category": "other", "description": "Bir sorun var."})
    ticket = Ticket.objects.get()
    client.force_login(other)
    assert client.get(reverse("complaints:detail", args=[ticket.number])).status_code == 404
    answer = client.post(reverse("complaints:detail", args=[ticket.number]), {"body": "x"})
    assert answer.status_code == 404
    assert ticket.messages.count() == 1


def test_a_guest_names_the_order_by_number_and_email_and_follows_the_signed_link(
    client, django_capture_on_commit_callbacks
):
    order = _order(None, email="misafir@example.com")
    client.cookies.clear()  # not the browser that placed it: the email proves the order
    data = {
        "order_number": order.number,
        "category": "late_or_missing",
        "description": "Kargo bir haftadır gelmedi.",
        "email": "baska@example.com",
    }
    wrong = client.post(reverse("complaints:new"), data)
    assert wrong.status_code == 404 and not Ticket.objects.exists()

    data["email"] = "misafir@example.com"
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("complaints:new"), data)
    ticket = Ticket.objects.get()
    assert ticket.order == order and ticket.customer is None
    assert answer["Location"] == ticket_url(ticket=ticket)
    assert answer["Location"].split("/")[-2] in mail.outbox[-1].body  # the link, by email
    page = client.get(answer["Location"])
    assert page.status_code == 200 and "Kargo bir haftadır gelmedi." in page.content.decode()

    tampered = answer["Location"].replace(ticket.token[:4], "AAAA")
    assert client.get(tampered).status_code == 404
    client.post(answer["Location"], {"body": "Hâlâ gelmedi."})
    assert ticket.messages.count() == 2


def test_a_bad_form_says_what_is_wrong_and_opens_nothing(client):
    answer = client.post(reverse("complaints:new"), {"category": "", "description": ""})
    assert answer.status_code == 400
    assert answer.context["form"].errors.keys() >= {"category", "description", "email"}
    assert not Ticket.objects.exists()


def test_a_closed_ticket_takes_no_more_messages_and_the_footer_links_the_form(client):
    customer = UserFactory(verified=True)
    client.force_login(customer)
    client.post(reverse("complaints:new"), {"category": "other", "description": "Soru."})
    ticket = Ticket.objects.get()
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.CLOSED)
    answer = client.post(reverse("complaints:detail", args=[ticket.number]), {"body": "x"})
    assert answer.status_code == 400 and ticket.messages.count() == 1
    with translation.override("tr"):
        home, form = reverse("catalog:home"), reverse("complaints:new")
    assert f'href="{form}"' in client.get(home).content.decode()
