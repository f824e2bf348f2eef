"""The agents' chat console: the queue by team, refusals without the permission, take, a reply
from a canned response, transfer (audited), end into an interaction, one click to a complaint
linked to the customer and the order (twice: one ticket), and the figures staff see."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from complaints.models import Ticket
from crm.chat import services
from crm.chat.desk import conversation_ticket_open
from crm.chat.selectors import chat_figures
from crm.chat.states import Author, ChatEnd, ChatStatus
from crm.models import CannedResponse, ChatMessage, Conversation, Interaction, Team
from shop.models import AuditEntry, User
from tests.factories import OrderFactory, StaffFactory, UserFactory

from .helpers import TUESDAY_NOON

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_hours():
    with time_machine.travel(TUESDAY_NOON, tick=False):
        yield


@pytest.fixture(autouse=True)
def _english(settings):
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _console() -> str:
    return reverse("admin:crm_chat_console")


def _agent(*codenames: str, team: Team | None = None, **fields) -> User:
    agent = StaffFactory(is_superuser=False, **fields)
    agent.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["use_chat_console", "view_customer360", *codenames]
        )
    )
    if team is not None:
        team.members.add(agent)
    return User.objects.get(pk=agent.pk)


def _waiting(team: Team | None = None, **fields) -> Conversation:
    if not fields.get("customer"):
        fields.setdefault("guest_email", "misafir@example.com")
    chat = services.conversation_start(**fields)
    services.conversation_hand_over(conversation_id=chat.pk, team=team)
    return Conversation.objects.get(pk=chat.pk)


def _chat_url(chat: Conversation, name: str = "chat") -> str:
    return reverse(f"admin:crm_chat_console_{name}", args=[chat.pk])


def test_the_queue_shows_the_agents_teams_and_no_teams_chats_only(client):
    shoes, books = Team.objects.create(name="Ayakkabı"), Team.objects.create(name="Kitap")
    agent = _agent(team=shoes)
    mine = _waiting(shoes, guest_email="ayakkabi@example.com")
    anyone = _waiting(None, guest_email="herkes@example.com")
    other = _waiting(books, guest_email="kitap@example.com")
    client.force_login(agent)
    page = client.get(_console()).content.decode()
    assert f'id="queue-{mine.pk}"' in page and f'id="queue-{anyone.pk}"' in page
    assert f'id="queue-{other.pk}"' not in page
    client.force_login(_agent("take_any_chat"))
    assert f'id="queue-{other.pk}"' in client.get(_console()).content.decode()


def test_without_the_console_permission_staff_get_403(client):
    client.force_login(StaffFactory(is_superuser=False))
    chat = _waiting()
    assert client.get(_console()).status_code == 403
    assert client.post(_chat_url(chat, "take")).status_code == 403
    assert Conversation.objects.get(pk=chat.pk).status == ChatStatus.WAITING


def test_another_teams_chat_is_refused_clearly_and_nothing_changes(client):
    shoes, books = Team.objects.create(name="Ayakkabı"), Team.objects.create(name="Kitap")
    client.force_login(_agent(team=shoes))
    other = _waiting(books)
    opened = client.get(_chat_url(other), follow=True)
    assert "another team" in opened.content.decode()
    taken = client.post(_chat_url(other, "take"), follow=True)
    assert "another team" in taken.content.decode()
    other.refresh_from_db()
    assert other.status == ChatStatus.WAITING and other.agent is None


def test_an_agent_takes_a_chat_and_replies_from_a_canned_response(client):
    customer = UserFactory(first_name="Ayşe", language="tr")
    order = OrderFactory(user=customer, number="DK-CANNED-1")
    chat = _waiting(customer=customer, order=order, language="tr")
    canned = CannedResponse.objects.create(
        title="Kargo", language="tr", body="Merhaba {first_name}, {order_number} yolda."
    )
    agent = _agent(first_name="Deniz")
    client.force_login(agent)
    assert client.post(_chat_url(chat, "take")).status_code == 302
    chat.refresh_from_db()
    assert chat.status == ChatStatus.ACTIVE and chat.agent == agent
    page = client.get(_chat_url(chat), {"canned": canned.pk}).content.decode()
    assert "Merhaba Ayşe, DK-CANNED-1 yolda." in page
    assert 'id="chat-order"' in page and "DK-CANNED-1" in page  # the order beside the chat
    assert 'id="c360-contact"' in page  # the customer's 360, compact
    client.post(_chat_url(chat, "reply"), {"body": "Merhaba Ayşe, DK-CANNED-1 yolda."})
    assert ChatMessage.objects.filter(
        conversation=chat, author=Author.AGENT, agent=agent, body__contains="DK-CANNED-1"
    ).exists()
    empty = client.post(_chat_url(chat, "reply"), {"body": " "})
    assert empty.status_code == 400 and "Write a message first." in empty.content.decode()


def test_the_console_poll_answers_204_then_the_customers_new_message(
    client, django_assert_max_num_queries
):
    chat = _waiting()
    agent = _agent()
    services.conversation_take(conversation_id=chat.pk, agent=agent)
    client.force_login(agent)
    last = Conversation.objects.get(pk=chat.pk).last_message_id
    client.get(_chat_url(chat, "poll"), {"after": last})
    with django_assert_max_num_queries(4):  # session, user, permissions, one row
        assert client.get(_chat_url(chat, "poll"), {"after": last}).status_code == 204
    services.chat_message_post(conversation_id=chat.pk, author=Author.CUSTOMER, body="Orada mı?")
    news = client.get(_chat_url(chat, "poll"), {"after": last})
    assert news.status_code == 200 and "Orada mı?" in news.content.decode()


def test_a_transfer_to_an_agent_or_a_team_is_audited(client):
    shoes = Team.objects.create(name="Ayakkabı")
    chat = _waiting()
    first = _agent(first_name="Deniz")
    second = _agent(first_name="Can")
    services.conversation_take(conversation_id=chat.pk, agent=first)
    client.force_login(first)
    client.post(_chat_url(chat, "transfer"), {"agent": second.pk})
    chat.refresh_from_db()
    assert chat.agent == second and chat.status == ChatStatus.ACTIVE
    refused = client.post(_chat_url(chat, "transfer"), {"team": shoes.pk}, follow=True)
    assert "Only the agent who has this chat" in refused.content.decode()
    client.force_login(second)
    client.post(_chat_url(chat, "transfer"), {"team": shoes.pk})
    chat.refresh_from_db()
    assert chat.status == ChatStatus.WAITING and chat.team == shoes and chat.agent is None
    trail = AuditEntry.objects.filter(action="chat.transfer", object_id=str(chat.pk))
    assert list(trail.order_by("pk").values_list("actor", flat=True)) == [first.pk, second.pk]


def test_ending_writes_the_interaction_and_one_click_opens_one_linked_ticket(client):
    customer = UserFactory(email="ayse@example.com")
    order = OrderFactory(user=customer, number="DK-TICKET-1")
    chat = _waiting(customer=customer, order=order)
    agent = _agent("work_ticket")
    services.conversation_take(conversation_id=chat.pk, agent=agent)
    services.chat_message_post(
        conversation_id=chat.pk, author=Author.CUSTOMER, body="Kutu ezik geldi."
    )
    client.force_login(agent)
    client.post(_chat_url(chat, "end"))
    chat.refresh_from_db()
    assert chat.status == ChatStatus.ENDED and chat.ended_reason == ChatEnd.AGENT
    interaction = Interaction.objects.get(pk=chat.interaction_id)
    assert interaction.customer == customer and interaction.order == order
    client.post(_chat_url(chat, "ticket"))
    client.post(_chat_url(chat, "ticket"))
    ticket = Ticket.objects.get()
    assert ticket.customer == customer and ticket.order == order and ticket.channel == "chat"
    assert "Kutu ezik geldi." in ticket.messages.order_by("pk").first().body
    chat.refresh_from_db()
    assert chat.ticket_number == ticket.number and chat.ticket_url.endswith(f"/{ticket.pk}/change/")
    page = client.get(_chat_url(chat)).content.decode()
    assert f'id="chat-ticket-link" href="{chat.ticket_url}"' in page
    assert AuditEntry.objects.filter(action="chat.ticket", object_id=str(chat.pk)).count() == 1


def test_an_open_chat_of_another_agent_cannot_be_made_a_ticket_by_an_outsider():
    chat = _waiting()
    services.conversation_take(conversation_id=chat.pk, agent=_agent())
    with pytest.raises(services.ChatNotYours):
        conversation_ticket_open(conversation_id=chat.pk, by=_agent())
    assert not Ticket.objects.exists()


def test_the_figures_count_chats_ended_without_an_agent_and_the_average_rating(client):
    agent = _agent()
    served = services.conversation_start(guest_email="a@example.com")
    services.conversation_end(conversation_id=served.pk, reason=ChatEnd.SELF_SERVED)
    helped = _waiting()
    services.conversation_take(conversation_id=helped.pk, agent=agent)
    services.conversation_end(conversation_id=helped.pk, reason=ChatEnd.AGENT, agent=agent)
    services.conversation_rate(conversation_id=helped.pk, rating=5)
    services.conversation_rate(conversation_id=served.pk, rating=2)
    today = timezone.localdate()
    figures = chat_figures(start=today - timedelta(days=1), end=today)
    assert (figures.ended, figures.without_agent) == (2, 1)
    assert str(figures.share_without_agent) == "50.0" and str(figures.average_rating) == "3.5"
    client.force_login(agent)
    page = client.get(_console()).content.decode()
    assert '<strong id="fig-without-agent">1</strong>' in page


def test_the_customers_chats_are_a_panel_of_their_360(client):
    customer = UserFactory()
    chat = _waiting(customer=customer)
    agent = _agent()
    services.conversation_take(conversation_id=chat.pk, agent=agent)
    services.conversation_end(conversation_id=chat.pk, reason=ChatEnd.AGENT, agent=agent)
    services.conversation_rate(conversation_id=chat.pk, rating=5)
    staff = _agent("view_conversation")
    client.force_login(staff)
    page = client.get(reverse("admin:crm_customer360", args=[customer.pk])).content.decode()
    assert 'id="c360-chats"' in page
    assert reverse("admin:crm_conversation_change", args=[chat.pk]) in page


def test_an_outsourced_teams_agent_sees_names_never_emails(client):
    outside = Team.objects.create(name="Dış çağrı merkezi", outsourced=True)
    agent = _agent(team=outside)
    customer = UserFactory(first_name="Ayşe", last_name="Kaya", email="ayse.kaya@example.com")
    named = _waiting(team=outside, customer=customer)
    nameless = _waiting(team=outside, guest_email="gizli.misafir@example.com")
    client.force_login(agent)
    queue = client.get(_console()).content.decode()
    assert "Ayşe Kaya" in queue and "ayse.kaya@example.com" not in queue
    assert "gizli.misafir@example.com" not in queue and "g•••@•••.com" in queue
    services.conversation_take(conversation_id=named.pk, agent=agent)
    page = client.get(_chat_url(named)).content.decode()
    assert "ayse.kaya@example.com" not in page and "Ayşe Kaya" in page
    services.conversation_take(conversation_id=nameless.pk, agent=agent)
    assert "gizli.misafir@example.com" not in client.get(_chat_url(nameless)).content.decode()
    # An in-house lead (who sees every team's queue) sees the email as before.
    _waiting(team=outside, guest_email="acik.misafir@example.com")
    client.force_login(_agent("take_any_chat", team=Team.objects.create(name="Merkez")))
    assert "acik.misafir@example.com" in client.get(_console()).content.decode()
