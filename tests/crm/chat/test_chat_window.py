"""The customer's chat window: starting (signed in, guest, guest with an order), reading,
polling (204 when nothing is new), writing (bad input, HTML as text, the rate limit), ending
and rating; another visitor's chat is a 404; out of hours it offers a callback."""

import re

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from crm.chat import services
from crm.chat.states import Author, ChatEnd, ChatStatus
from crm.models import ChatMessage, Conversation
from tests.factories import OrderFactory, StaffFactory, UserFactory

from .helpers import TUESDAY_NIGHT, TUESDAY_NOON, guest_chat, handed_over

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _page(client: Client, chat: Conversation, **headers) -> str:
    response = client.get(reverse("crm:chat", args=[chat.token]), headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def test_a_signed_in_customer_starts_with_one_tap_and_comes_back_to_the_same_chat(client):
    customer = UserFactory()
    client.force_login(customer)
    offered = client.get(reverse("crm:chat_start"))  # a link followed (or prefetched)
    assert 'name="start"' in offered.content.decode()  # the button that starts it
    assert not Conversation.objects.exists()
    first = client.post(reverse("crm:chat_start"))
    chat = Conversation.objects.get()
    assert first["Location"] == reverse("crm:chat", args=[chat.token])
    assert chat.customer == customer and chat.status == ChatStatus.ASSISTANT
    again = client.get(reverse("crm:chat_start"))
    assert again["Location"] == first["Location"] and Conversation.objects.count() == 1


def test_a_guest_gives_an_email_and_an_empty_or_wrong_one_is_refused(client):
    page = client.get(reverse("crm:chat_start")).content.decode()
    assert 'for="id_email"' in page and 'for="id_number"' in page
    response = client.post(reverse("crm:chat_start"), {"email": "not an email"})
    assert response.status_code == 400
    assert not Conversation.objects.exists()
    chat = guest_chat(client, "Misafir@Example.com", name="Ayşe")
    assert chat.guest_email == "misafir@example.com" and chat.guest_name == "Ayşe"


def test_a_guest_with_an_order_number_must_give_its_email_like_tracking(client, settings):
    order = OrderFactory(user=None, email="ali@example.com", number="DK-CHAT-1")
    wrong = client.post(
        reverse("crm:chat_start"), {"email": "someone@example.com", "number": "DK-CHAT-1"}
    )
    tracking = client.post(
        reverse("orders:track"), {"email": "someone@example.com", "number": "DK-CHAT-1"}
    )
    assert wrong.status_code == tracking.status_code == 404
    assert "could not find an order with this number and email" in wrong.content.decode()
    assert not Conversation.objects.exists()
    chat = guest_chat(client, "ALI@example.com", number="dk-chat-1")
    assert chat.order == order
    assert "DK-CHAT-1" in _page(client, chat)


def test_the_guests_order_lookup_shares_the_tracking_pages_limit(client, settings):
    settings.ORDER_TRACK_ATTEMPTS_PER_HOUR = 2
    OrderFactory(user=None, email="ali@example.com", number="DK-CHAT-2")
    for _ in range(2):
        client.post(reverse("orders:track"), {"email": "x@example.com", "number": "DK-CHAT-2"})
    response = client.post(
        reverse("crm:chat_start"), {"email": "ali@example.com", "number": "DK-CHAT-2"}
    )
    assert response.status_code == 429
    assert not Conversation.objects.exists()


def test_another_visitors_chat_is_a_404_everywhere(client):
    chat = guest_chat(client)
    stranger = Client()
    signed_in = Client()
    signed_in.force_login(UserFactory())
    mine = services.conversation_start(customer=UserFactory())
    for other, target in ((stranger, chat), (signed_in, chat), (client, mine)):
        assert other.get(reverse("crm:chat", args=[target.token])).status_code == 404
        assert other.get(reverse("crm:chat_poll", args=[target.token])).status_code == 404
        response = other.post(reverse("crm:chat_post", args=[target.token]), {"body": "hi"})
        assert response.status_code == 404
        assert other.post(reverse("crm:chat_end", args=[target.token])).status_code == 404
    assert not ChatMessage.objects.filter(author=Author.CUSTOMER).exists()
    assert Conversation.objects.filter(status=ChatStatus.ENDED).count() == 0


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_the_poll_answers_nothing_new_cheaply_and_then_the_new_messages(
    client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    chat = handed_over(guest_chat(client))
    poll = reverse("crm:chat_poll", args=[chat.token])
    last = Conversation.objects.get(pk=chat.pk).last_message_id
    client.get(poll, {"after": last})  # the session and the chat's state are cached from here
    with django_assert_max_num_queries(0):
        nothing = client.get(poll, {"after": last})
    assert nothing.status_code == 204 and nothing.content == b""
    cache.delete(f"chat-poll:{chat.token}")  # a miss reads the one indexed row
    with django_assert_max_num_queries(1):
        assert client.get(poll, {"after": last}).status_code == 204
    agent = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):  # the cached state follows commits
        services.conversation_take(conversation_id=chat.pk, agent=agent)
        services.chat_message_post(
            conversation_id=chat.pk, author=Author.AGENT, body="Merhaba, bakıyorum.", agent=agent
        )
    with django_assert_max_num_queries(2):
        news = client.get(poll, {"after": last})
    assert news.status_code == 200
    assert "Merhaba, bakıyorum." in news.content.decode()
    assert news["X-Chat-Status"] == ChatStatus.ACTIVE
    assert int(news["X-Chat-Last"]) == Conversation.objects.get(pk=chat.pk).last_message_id
    assert client.get(poll, {"after": news["X-Chat-Last"]}).status_code == 204
    assert client.get(poll, {"after": "x"}).status_code == 400


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_the_window_is_the_same_few_queries_however_long_the_chat(
    client, django_assert_max_num_queries
):
    chat = handed_over(guest_chat(client))
    for n in range(3):
        services.chat_message_post(conversation_id=chat.pk, author="customer", body=f"m{n}")
    _page(client, chat)
    with django_assert_max_num_queries(4):
        _page(client, chat)
    for n in range(20):
        services.chat_message_post(conversation_id=chat.pk, author="customer", body=f"n{n}")
    with django_assert_max_num_queries(4):
        page = _page(client, chat)
    assert "n19" in page


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_bad_messages_are_refused_clearly_and_html_is_shown_as_text(client):
    chat = guest_chat(client)
    post = reverse("crm:chat_post", args=[chat.token])
    early = client.post(post, {"body": "hello?"})
    assert early.status_code == 400 and "ask for a person" in early.content.decode()
    handed_over(chat)
    before = ChatMessage.objects.count()
    empty = client.post(post, {"body": "   "})
    assert empty.status_code == 400 and "Write a message first." in empty.content.decode()
    long = client.post(post, {"body": "x" * 2001})
    assert long.status_code == 400 and "at most 2000 characters" in long.content.decode()
    assert ChatMessage.objects.count() == before
    assert client.post(post, {"body": "x" * 2000}).status_code == 302
    client.post(post, {"body": "<script>alert(1)</script> <b>kalın</b>"})
    page = _page(client, chat)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;kalın&lt;/b&gt;" in page


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_a_visitor_writing_too_fast_is_asked_to_wait_and_nothing_is_saved(client, settings):
    settings.CHAT_MESSAGES_PER_MINUTE = 3
    chat = handed_over(guest_chat(client))
    post = reverse("crm:chat_post", args=[chat.token])
    for n in range(3):
        assert client.post(post, {"body": f"m{n}"}).status_code == 302
    refused = client.post(post, {"body": "one more"})
    assert refused.status_code == 429 and "wait a minute" in refused.content.decode()
    assert not ChatMessage.objects.filter(body="one more").exists()


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_the_customer_ends_the_chat_then_rates_it_1_to_5_only(client):
    chat = handed_over(guest_chat(client))
    client.post(reverse("crm:chat_post", args=[chat.token]), {"body": "Teşekkürler"})
    client.post(reverse("crm:chat_end", args=[chat.token]))
    chat.refresh_from_db()
    assert chat.status == ChatStatus.ENDED and chat.ended_reason == ChatEnd.CUSTOMER
    assert chat.interaction is not None
    page = _page(client, chat)
    assert 'id="chat-rating-form"' in page and 'id="chat-form"' not in page
    rate = reverse("crm:chat_rate", args=[chat.token])
    for bad in ("0", "6", "x", ""):
        response = client.post(rate, {"rating": bad})
        assert response.status_code == 400
        assert "Choose a rating from 1 to 5." in response.content.decode()
    chat.refresh_from_db()
    assert chat.rating is None
    client.post(rate, {"rating": "4"})
    chat.refresh_from_db()
    assert chat.rating == 4
    assert "You rated this chat 4 out of 5" in _page(client, chat)
    late = client.post(reverse("crm:chat_post", args=[chat.token]), {"body": "again"})
    assert late.status_code == 400 and "has ended" in late.content.decode()


def test_rating_an_open_chat_is_refused():
    chat = services.conversation_start(guest_email="a@example.com")
    with pytest.raises(services.ChatRefused):
        services.conversation_rate(conversation_id=chat.pk, rating=5)


@time_machine.travel(TUESDAY_NIGHT, tick=False)
def test_out_of_hours_the_window_offers_a_callback_or_a_complaint(client):
    chat = guest_chat(client)
    page = _page(client, chat)
    assert 'id="chat-closed"' in page
    assert reverse("crm:callback_request") in page and reverse("complaints:new") in page


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_in_hours_there_is_no_callback_offer_and_the_panel_comes_alone_for_chat_js(client):
    chat = guest_chat(client)
    assert 'id="chat-closed"' not in _page(client, chat)
    panel = _page(client, chat, **{"X-Chat-Panel": "1"})
    assert panel.lstrip().startswith("<section") and "<html" not in panel
    assert f'data-poll-url="{reverse("crm:chat_poll", args=[chat.token])}?v=' in panel


def test_every_page_has_the_chat_launcher_as_a_plain_link(client):
    page = client.get(reverse("crm:callback_request")).content.decode()
    assert f'id="chat-launcher" href="{reverse("crm:chat_start")}"' in page
    assert "js/chat.js" in page


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_a_signed_in_customers_poll_sees_news_and_no_one_elses(
    client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    customer = UserFactory()
    client.force_login(customer)
    chat = handed_over(services.conversation_start(customer=customer))
    poll = reverse("crm:chat_poll", args=[chat.token])
    last = Conversation.objects.get(pk=chat.pk).last_message_id
    client.get(poll, {"after": last})
    with django_assert_max_num_queries(0):
        assert client.get(poll, {"after": last}).status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        services.chat_message_post(conversation_id=chat.pk, author="customer", body="Selam")
    news = client.get(poll, {"after": last})
    assert news.status_code == 200 and "Selam" in news.content.decode()
    other = Client()
    other.force_login(UserFactory())
    assert other.get(poll, {"after": last}).status_code == 404
    assert other.get(poll, {"after": 0}).status_code == 404


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_the_windows_signed_poll_answers_nothing_new_without_reading_the_session(
    client, django_assert_max_num_queries
):
    chat = handed_over(guest_chat(client))
    page = _page(client, chat)
    signed = re.search(r'data-poll-url="([^"]+)"', page)[1].replace("&amp;", "&")
    assert "?v=" in signed
    last = Conversation.objects.get(pk=chat.pk).last_message_id
    client.get(signed, {"after": last})
    cache.clear()  # the session too: reading it now would take a query
    client.get(signed, {"after": last})  # the chat's state back in the cache (one row)
    with django_assert_max_num_queries(0):  # neither the session nor the chat's row
        nothing = client.get(signed, {"after": last})
    assert nothing.status_code == 204
    # The same signed address from another browser is not theirs: the full check, a 404.
    assert Client().get(signed, {"after": last}).status_code == 404


def test_a_poll_for_something_that_cannot_be_a_token_is_a_404_without_touching_the_cache(client):
    import warnings

    from django.core.cache.backends.base import CacheKeyWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        response = client.get(reverse("crm:chat_poll", args=["İğüş🛒" * 60]), {"after": 0})
    assert response.status_code == 404
