"""The "where is my order" assistant in a chat (issue 30): asked from the order page or the
guest tracking page, each tap recorded with the answer (its source and date); cancelling goes
through the order service and refuses what it refuses; one tap ends it self-served or hands
over to a person, or out of hours offers a callback or a complaint."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from complaints.models import Ticket
from crm.chat import services as chat_services
from crm.chat.assistant import CALLBACK, COMPLAINT, DO_CANCEL, DONE, HAND_OVER, assistant_menu
from crm.chat.states import Author, ChatEnd, ChatStatus
from crm.models import Callback, Conversation, Interaction
from orders.models import Order
from tests.factories import UserFactory
from tests.orders.fulfilment_helpers import packed_order
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant
from tests.orders.returns_helpers import delivered_order

pytestmark = pytest.mark.django_db
IST = ZoneInfo("Europe/Istanbul")
TUESDAY_NOON = datetime(2026, 12, 8, 12, 0, tzinfo=IST)
TUESDAY_NIGHT = datetime(2026, 12, 8, 23, 0, tzinfo=IST)


@pytest.fixture(autouse=True)
def _english():
    """Pages and answers in English (the chat takes the page's language)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _delivery():
    shipping_setup()


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _confirmed(user=None, **overrides) -> Order:
    from orders import services

    order = place(cart_with((stocked_variant(), 1), user=user), **overrides)
    services.checkout_payment_start(order=order)
    return Order.objects.get(pk=order.pk)


def _ask(client: Client, order: Order, topic: str):
    return client.post(reverse("crm:chat_about_order"), {"number": order.number, "topic": topic})


def _tap(client: Client, chat: Conversation, choice: str):
    return client.post(reverse("crm:chat_assistant", args=[chat.token]), {"choice": choice})


def _chat() -> Conversation:
    return Conversation.objects.order_by("-pk").first()


def _said(chat: Conversation) -> list[tuple[str, str]]:
    return list(chat.messages.order_by("pk").values_list("author", "body"))


def test_a_guest_asks_from_the_tracking_page_and_reads_the_answer_with_its_source():
    order = _confirmed(user=None)
    guest = Client()
    found = guest.post(
        reverse("orders:track"), {"number": order.number, "email": order.email}
    ).content.decode()
    assert reverse("crm:chat_about_order") in found and 'value="where"' in found

    response = _ask(guest, order, "where")
    chat = _chat()
    assert response.status_code == 302
    assert response["Location"] == reverse("crm:chat", args=[chat.token])
    assert (chat.customer, chat.guest_email, chat.order) == (None, order.email, order)
    assert chat.topic == "where" and chat.status == ChatStatus.ASSISTANT
    said = _said(chat)
    assert said[0] == (Author.CUSTOMER, "Where is my order?")
    assert said[1][0] == Author.ASSISTANT and order.number in said[1][1]
    answer = chat.messages.get(author=Author.ASSISTANT)
    assert answer.meta["source"] == "order timeline" and answer.meta["as_of"]

    window = guest.get(response["Location"]).content.decode()
    assert "Source: order timeline, as of " + answer.meta["as_of_shown"] in window
    assert str(DONE.label) in window and str(HAND_OVER.label) in window
    # Another browser (or the order page of someone else) gets nothing.
    assert Client().get(response["Location"]).status_code == 404
    assert _tap(Client(), chat, DONE.value).status_code == 404
    assert _ask(Client(), order, "where").status_code == 404
    assert Conversation.objects.count() == 1


def test_the_order_page_offers_the_questions_and_another_customers_chat_is_404():
    customer, stranger = UserFactory(verified=True), UserFactory(verified=True)
    order = _confirmed(user=customer)
    client = _signed_in(customer)
    page = client.get(reverse("orders:confirmation", args=[order.number])).content.decode()
    assert "Questions about this order?" in page
    for topic in ("where", "cancel", "return", "other"):
        assert f'name="topic" value="{topic}"' in page
    assert 'name="topic" value="refund"' not in page  # nothing to refund on this order

    assert _ask(_signed_in(stranger), order, "where").status_code == 404
    _ask(client, order, "where")
    chat = _chat()
    assert chat.customer == customer
    other = _signed_in(stranger)
    assert _tap(other, chat, DONE.value).status_code == 404
    assert other.get(reverse("crm:chat", args=[chat.token])).status_code == 404
    assert Conversation.objects.get(pk=chat.pk).status == ChatStatus.ASSISTANT


def test_the_cancel_button_cancels_through_the_order_service():
    customer = UserFactory(verified=True)
    order = _confirmed(user=customer)
    client = _signed_in(customer)
    _ask(client, order, "cancel")
    chat = _chat()
    assert DO_CANCEL in assistant_menu(conversation=chat)
    answer = chat.messages.get(author=Author.ASSISTANT)
    assert "you can cancel this order until we pack it" in answer.body

    response = _tap(client, chat, DO_CANCEL.value)
    assert response["Location"] == reverse("crm:chat", args=[chat.token])
    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == ("cancelled", "customer")
    last = chat.messages.order_by("-pk").first()
    assert last.author == Author.ASSISTANT
    assert last.body.startswith("Your order has been cancelled.")
    assert last.meta["source"] == "order timeline"
    assert _said(chat)[-2] == (Author.CUSTOMER, str(DO_CANCEL.label))
    chat.refresh_from_db()
    assert DO_CANCEL not in assistant_menu(conversation=chat)


def test_the_cancel_button_on_a_packed_order_is_refused_with_the_services_message():
    customer = UserFactory(verified=True)
    order = packed_order(user=customer)
    client = _signed_in(customer)
    _ask(client, order, "cancel")
    chat = _chat()
    assert "can no longer be cancelled" in chat.messages.get(author=Author.ASSISTANT).body
    assert DO_CANCEL not in assistant_menu(conversation=chat)

    _tap(client, chat, DO_CANCEL.value)  # a stale window, or a forged post: the service decides
    assert Order.objects.get(pk=order.pk).status == "packed"
    last = chat.messages.order_by("-pk").first()
    assert last.author == Author.ASSISTANT
    assert last.body == "This order can no longer be cancelled here. Please contact us."


def test_the_return_link_appears_only_within_the_withdrawal_period():
    customer = UserFactory(verified=True)
    order = delivered_order(user=customer)
    client = _signed_in(customer)
    return_page = reverse("orders:return", args=[order.number])
    _ask(client, order, "return")
    chat = _chat()
    answer = chat.messages.get(author=Author.ASSISTANT)
    assert answer.meta["link"] == return_page
    window = client.get(reverse("crm:chat", args=[chat.token])).content.decode()
    assert f'href="{return_page}"' in window and "Request a return" in window

    with time_machine.travel(timezone.now() + timedelta(days=20)):
        _ask(_signed_in(customer), order, "return")  # a new session: the old one has expired
    late = _chat().messages.get(author=Author.ASSISTANT)
    assert late.meta.get("link") != return_page and "ended on" in late.body


def test_that_answers_it_ends_the_chat_self_served():
    customer = UserFactory(verified=True)
    order = _confirmed(user=customer)
    client = _signed_in(customer)
    _ask(client, order, "where")
    chat = _chat()
    _tap(client, chat, DONE.value)
    chat.refresh_from_db()
    assert chat.status == ChatStatus.ENDED and chat.ended_reason == ChatEnd.SELF_SERVED
    assert chat.self_served
    assert (Author.CUSTOMER, str(DONE.label)) in _said(chat)
    assert chat.interaction.outcome == Interaction.Outcome.INFORMATION_GIVEN
    assert chat.interaction.order == order
    assert assistant_menu(conversation=chat) == []


def test_an_unknown_or_stale_choice_gets_a_clear_message_and_changes_nothing():
    customer = UserFactory(verified=True)
    order = _confirmed(user=customer)
    client = _signed_in(customer)
    _ask(client, order, "where")
    chat = _chat()
    before = _said(chat)
    for choice in ("", "nonsense", "refund", CALLBACK.value, "order:" + order.number):
        shown = _tap(client, chat, choice)
        assert shown.status_code == 302
    window = client.get(reverse("crm:chat", args=[chat.token])).content.decode()
    assert "That choice is no longer on offer" in window
    assert _said(chat) == before
    assert Conversation.objects.get(pk=chat.pk).topic == "where"
    # And a question the order page does not offer: a message on the order page.
    refused = _ask(client, order, "refund")
    assert refused["Location"] == reverse("orders:confirmation", args=[order.number])
    assert Conversation.objects.count() == 1


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_talk_to_a_person_in_hours_puts_the_chat_in_the_queue():
    customer = UserFactory(verified=True)
    order = _confirmed(user=customer)
    client = _signed_in(customer)
    _ask(client, order, "where")
    chat = _chat()
    _tap(client, chat, HAND_OVER.value)
    chat.refresh_from_db()
    assert chat.status == ChatStatus.WAITING and chat.handed_over_at is not None
    said = _said(chat)
    # The tap, then the shop's note, in the order the customer and the agent read them.
    assert said[-2] == (Author.CUSTOMER, str(HAND_OVER.label))
    assert said[-1][0] == Author.SYSTEM
    assert assistant_menu(conversation=chat) == []


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_something_else_on_the_order_page_goes_straight_to_a_person():
    customer = UserFactory(verified=True)
    order = _confirmed(user=customer)
    _ask(_signed_in(customer), order, "other")
    chat = _chat()
    assert chat.status == ChatStatus.WAITING and chat.order == order


@time_machine.travel(TUESDAY_NIGHT, tick=False)
def test_out_of_hours_the_assistant_offers_a_callback_or_a_complaint():
    customer = UserFactory(verified=True)
    order = _confirmed(user=customer)
    client = _signed_in(customer)
    _ask(client, order, "where")
    chat = _chat()
    _tap(client, chat, HAND_OVER.value)
    chat.refresh_from_db()
    assert chat.status == ChatStatus.ASSISTANT and chat.topic == "closed"
    assert "not working now" in chat.messages.order_by("-pk").first().body
    assert assistant_menu(conversation=chat) == [CALLBACK, COMPLAINT, DONE]
    window = client.get(reverse("crm:chat", args=[chat.token])).content.decode()
    assert str(CALLBACK.label) in window and str(COMPLAINT.label) in window

    response = _tap(client, chat, CALLBACK.value)
    callback_url = response["Location"]
    assert callback_url == reverse("crm:callback_request") + f"?chat={chat.token}"
    chat.refresh_from_db()
    assert (chat.status, chat.ended_reason) == (ChatStatus.ENDED, ChatEnd.CALLBACK)
    # The callback form takes the chat along (and the order it was about).
    form = client.get(callback_url).content.decode()
    assert 'id="callback-chat-attached"' in form and f'value="{order.number}"' in form
    client.post(
        callback_url,
        {
            "name": "Ayşe Kaya", "phone": "0532 123 45 67", "topic": "order",
            "window_start": "2026-12-09T10:00", "window_end": "2026-12-09T12:00",
            "order_number": order.number,
        },
    )  # fmt: skip
    callback = Callback.objects.get()
    assert callback.conversation == chat and callback.order == order

    _ask(client, order, "where")
    second = _chat()
    _tap(client, second, HAND_OVER.value)
    response = _tap(client, second, COMPLAINT.value)
    form_url = response["Location"]
    assert form_url == reverse("complaints:new") + f"?chat={second.token}&order={order.number}"
    second.refresh_from_db()
    assert (second.status, second.ended_reason) == (ChatStatus.ENDED, ChatEnd.COMPLAINT)
    assert second.interaction.outcome == Interaction.Outcome.COMPLAINT_OPENED

    # The complaint form says the chat comes with it, and the desk gets the transcript.
    assert 'id="complaint-chat-attached"' in client.get(form_url).content.decode()
    sent = client.post(
        form_url,
        {
            "category": "late_or_missing",
            "description": "Still nothing.",
            "order_number": order.number,
        },
    )
    assert sent.status_code == 302
    ticket = Ticket.objects.get()
    note = ticket.messages.get(kind="note")
    assert f"#{second.pk}" in note.body and str(HAND_OVER.label) in note.body
    second.refresh_from_db()
    assert second.ticket_number == ticket.number


def test_someone_elses_chat_is_never_attached_to_a_complaint():
    owner = UserFactory(verified=True)
    chat = chat_services.conversation_start(customer=owner)
    stranger = _signed_in(UserFactory(verified=True))
    page = stranger.get(reverse("complaints:new") + f"?chat={chat.token}").content.decode()
    assert 'id="complaint-chat-attached"' not in page
    stranger.post(
        reverse("complaints:new") + f"?chat={chat.token}",
        {"category": "other", "description": "Hello."},
    )
    assert not Ticket.objects.get().messages.filter(kind="note").exists()
    chat.refresh_from_db()
    assert chat.ticket_number == ""


def test_a_chat_without_an_order_asks_which_one():
    customer = UserFactory(verified=True)
    order = _confirmed(user=customer)
    someone_elses = _confirmed(user=UserFactory(verified=True))
    chat = chat_services.conversation_start(customer=customer, language="en")
    client = _signed_in(customer)
    menu = assistant_menu(conversation=chat)
    assert [c.value for c in menu] == ["ask_order", HAND_OVER.value]
    _tap(client, chat, "ask_order")
    chat.refresh_from_db()
    assert [c.label for c in assistant_menu(conversation=chat)][:1] == [order.number]
    _tap(client, chat, "order:" + someone_elses.number)
    chat.refresh_from_db()
    assert chat.order is None
    _tap(client, chat, "order:" + order.number)
    chat.refresh_from_db()
    assert chat.order == order and chat.topic == "where"
    assert order.number in chat.messages.order_by("-pk").first().body

    guest_chat = chat_services.conversation_start(guest_email="misafir@example.com", language="en")
    guest = Client()
    session = guest.session
    session["chat_tokens"] = [guest_chat.token]
    session.save()
    _tap(guest, guest_chat, "ask_order")
    told = guest_chat.messages.order_by("-pk").first()
    assert "Track your order" in told.body and told.meta["link"] == reverse("orders:track")


def test_a_tap_runs_a_fixed_number_of_queries_whatever_the_order_holds(
    django_assert_max_num_queries,
):
    customer = UserFactory(verified=True)
    small = _confirmed(user=customer)
    big = place(cart_with(*[(stocked_variant(), 2) for _ in range(4)], user=customer))
    client = _signed_in(customer)
    _ask(client, small, "where")
    small_chat = _chat()
    _ask(client, big, "where")
    big_chat = _chat()
    with django_assert_max_num_queries(19) as small_run:
        _tap(client, small_chat, "cancel")
    with django_assert_max_num_queries(len(small_run.captured_queries)):
        _tap(client, big_chat, "cancel")


def test_taps_are_limited_per_visitor(settings):
    settings.CHAT_ASSISTANT_TAPS_PER_MINUTE = 2
    customer = UserFactory(verified=True)
    order = _confirmed(user=customer)
    client = _signed_in(customer)
    _ask(client, order, "where")  # one
    chat = _chat()
    _tap(client, chat, "cancel")  # two
    before = _said(chat)
    _tap(client, chat, "return")
    window = client.get(reverse("crm:chat", args=[chat.token])).content.decode()
    assert "Too many taps" in window and _said(chat) == before


def test_the_panel_posts_with_a_real_csrf_token_without_javascript():
    import re

    order = _confirmed(user=None)
    guest = Client(enforce_csrf_checks=True)
    form = guest.get(reverse("orders:track")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    found = guest.post(
        reverse("orders:track"),
        {"number": order.number, "email": order.email, "csrfmiddlewaretoken": token},
    ).content.decode()
    panel = found[found.index('id="order-assistant"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', panel)[1]
    asked = guest.post(
        reverse("crm:chat_about_order"),
        {"number": order.number, "topic": "where", "csrfmiddlewaretoken": token},
    )
    assert asked.status_code == 302 and _chat().order == order
