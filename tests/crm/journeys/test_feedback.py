"""Feedback after delivery: one survey per delivered order N days later, answered through a
signed link without signing in; a low score asks staff to follow up; a comment is offered as a
review draft."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from catalog.models import Review
from complaints.models import Ticket
from complaints.states import TicketStatus
from crm.journeys.feedback.links import survey_link_token
from crm.journeys.feedback.services import feedback_sweep
from crm.models import FeedbackSurvey, Interaction, JourneyRun
from crm.notifications.models import Message
from crm.tasks import journey_feedback
from orders.services import order_transition
from orders.states import CancelReason, OrderStatus
from tests.factories import OrderFactory, StaffFactory, UserFactory, listed_product

from .feedback_helpers import delivered_order, order_on_the_road

pytestmark = pytest.mark.django_db

DELIVERED = datetime(2027, 3, 1, 11, 0, tzinfo=UTC)  # 14:00 in Istanbul
DUE = DELIVERED + timedelta(days=3)


@pytest.fixture(autouse=True)
def three_days(settings):
    settings.JOURNEY_FEEDBACK_AFTER_DAYS = 3
    settings.JOURNEY_FEEDBACK_LATEST_DAYS = 14
    settings.JOURNEY_FEEDBACK_EXTRA_QUESTION = {"tr": "", "en": ""}


def _link(message: Message) -> str:
    url = re.search(r"https?://\S+/feedback/\S+?/", message.body_text).group(0)
    return urlsplit(url).path


def _survey_path(order) -> str:
    return reverse("crm:feedback", args=[survey_link_token(order.feedback)])


def test_run_twice_each_delivered_order_gets_one_survey_not_before_n_days():
    customer = UserFactory(first_name="Ayşe")
    mine = delivered_order(at=DELIVERED, user=customer)
    guest = delivered_order(at=DELIVERED, user=None, email="misafir@example.com")

    with time_machine.travel(DUE - timedelta(hours=1), tick=False):
        assert feedback_sweep() == 0
    assert not Message.objects.filter(kind="feedback_request").exists()

    with time_machine.travel(DUE + timedelta(minutes=5), tick=False):
        assert journey_feedback() == 2
        assert journey_feedback() == 0  # the second run sends nothing
    messages = Message.objects.filter(kind="feedback_request")
    assert messages.count() == 2
    to_customer = messages.get(dedupe_key=f"feedback:{mine.pk}")
    to_guest = messages.get(dedupe_key=f"feedback:{guest.pk}")
    assert to_customer.recipient == customer.email and to_customer.user == customer
    assert to_guest.recipient == "misafir@example.com" and to_guest.user is None
    assert to_customer.category == "transactional" and to_customer.status != "suppressed"
    assert "Ayşe" in to_customer.body_text and mine.number in to_customer.subject_line
    assert _link(to_customer) != _link(to_guest)
    assert JourneyRun.objects.filter(journey="feedback", queued=2).count() == 1


def test_an_order_not_delivered_cancelled_or_delivered_long_ago_gets_none():
    on_the_road = order_on_the_road()
    cancelled = OrderFactory(status=OrderStatus.CONFIRMED)
    order_transition(order=cancelled, to=OrderStatus.CANCELLED, cancel_reason=CancelReason.STAFF)
    delivered_order(at=DELIVERED - timedelta(days=20))  # before the journey's window
    with time_machine.travel(DUE + timedelta(days=1), tick=False):
        feedback_sweep()
    assert not Message.objects.filter(kind="feedback_request").exists()
    assert not FeedbackSurvey.objects.filter(order__in=[on_the_road, cancelled]).exists()


def test_nothing_is_sent_while_the_journey_is_switched_off():
    from crm.journeys.services import journey_switch

    delivered_order(at=DELIVERED)
    journey_switch(name="feedback", enabled=False, staff=StaffFactory())
    with time_machine.travel(DUE + timedelta(hours=1), tick=False):
        assert feedback_sweep() == 0
    assert not Message.objects.filter(kind="feedback_request").exists()


def _send_all() -> None:
    with time_machine.travel(DUE + timedelta(minutes=5), tick=False):
        feedback_sweep()


def test_a_score_of_4_opens_a_ticket_on_the_complaint_desk_and_a_9_does_not(client):
    unhappy = delivered_order(at=DELIVERED, user=UserFactory())
    happy = delivered_order(at=DELIVERED, user=UserFactory())
    guest = delivered_order(at=DELIVERED, user=None, email="misafir@example.com")
    _send_all()
    client.post(_survey_path(unhappy), {"score": "4", "comment": "Kutu ezik geldi."})
    client.post(_survey_path(happy), {"score": "9"})
    client.post(_survey_path(guest), {"score": "2"})

    follow_ups = Ticket.objects.all()
    assert follow_ups.count() == 2
    mine = follow_ups.get(order=unhappy)
    words = mine.messages.get().body
    assert mine.customer == unhappy.user and "4/10" in words and "Kutu ezik" in words
    assert mine.status == TicketStatus.NEW
    assert follow_ups.get(order=guest).contact_email == "misafir@example.com"
    assert not follow_ups.filter(order=happy).exists()
    assert not Interaction.objects.filter(outcome=Interaction.Outcome.FOLLOW_UP).exists()

    client.force_login(StaffFactory())
    page = client.get(reverse("admin:complaints_ticket_changelist"))
    assert page.status_code == 200
    assert mine.number in page.content.decode()


def test_without_the_complaint_desk_a_low_score_is_an_interaction_to_follow_up(client):
    from crm import registry

    desk = registry.registered_complaint_sources()
    for source in desk:
        registry.unregister_complaint_source(source.name)
    try:
        unhappy = delivered_order(at=DELIVERED, user=UserFactory())
        _send_all()
        client.post(_survey_path(unhappy), {"score": "4", "comment": "Kutu ezik geldi."})
    finally:
        for source in desk:
            registry.register_complaint_source(source)
    follow_up = Interaction.objects.get(outcome=Interaction.Outcome.FOLLOW_UP)
    assert follow_up.order == unhappy and "4/10" in follow_up.summary


def test_the_link_of_one_order_cannot_answer_another_and_a_tampered_link_is_404(client):
    first = delivered_order(at=DELIVERED)
    second = delivered_order(at=DELIVERED)
    _send_all()
    first_link = survey_link_token(first.feedback)
    second_link = survey_link_token(second.feedback)
    # Another survey's token under this link's signature, and a changed signature: both 404.
    forged = second.feedback.token + ":" + first_link.rsplit(":", 1)[1]
    tampered = first_link[:-2] + ("AA" if not first_link.endswith("AA") else "BB")
    for token in (forged, tampered, "nonsense"):
        url = reverse("crm:feedback", args=[token])
        assert client.get(url).status_code == 404
        assert client.post(url, {"score": "3"}).status_code == 404

    answered = client.post(reverse("crm:feedback", args=[first_link]), {"score": "3"})
    assert answered.status_code == 302
    first.feedback.refresh_from_db()
    second.feedback.refresh_from_db()
    assert first.feedback.score == 3
    assert second.feedback.answered_at is None and second.feedback.score is None
    assert second_link != first_link


@pytest.mark.parametrize("score", ["11", "-1", "abc", ""])
def test_a_bad_score_is_refused_clearly_and_nothing_is_saved(client, score):
    order = delivered_order(at=DELIVERED)
    _send_all()
    with translation.override("en"):
        path = _survey_path(order)
    response = client.post(path, {"score": score, "comment": "x"})
    assert response.status_code == 400
    assert "Choose a score from 0 to 10." in response.content.decode()
    order.feedback.refresh_from_db()
    assert order.feedback.answered_at is None
    assert not Interaction.objects.exists()


def test_the_page_works_in_both_languages_without_script_and_shows_the_saved_answer(
    client, settings
):
    settings.JOURNEY_FEEDBACK_EXTRA_QUESTION = {
        "tr": "Bizi neden tercih ettiniz?",
        "en": "Why did you choose us?",
    }
    order = delivered_order(at=DELIVERED, user=None, email="misafir@example.com")
    _send_all()
    with translation.override("tr"):
        path = _survey_path(order)
    with translation.override("en"):
        english_path = _survey_path(order)
    assert english_path.startswith("/en/") and not path.startswith("/en/")
    turkish = client.get(path).content.decode()
    assert "Siparişiniz nasıldı?" in turkish and "<legend>" in turkish and 'type="radio"' in turkish
    assert turkish.count('name="score"') == 11
    assert "Bizi neden tercih ettiniz?" in turkish and 'for="id_score_0"' in turkish
    english = client.get(english_path).content.decode()
    assert "Why did you choose us?" in english and "How likely are you" in english

    client.post(english_path, {"score": "10", "comment": "", "extra_answer": "Fast delivery"})
    order.feedback.refresh_from_db()
    assert order.feedback.extra_question == "Why did you choose us?"
    assert order.feedback.extra_answer == "Fast delivery"
    again = client.post(english_path, {"score": "0"})
    assert again.status_code == 200
    shown = again.content.decode()
    assert "already been answered" in shown and "10 / 10" in shown
    order.feedback.refresh_from_db()
    assert order.feedback.score == 10  # the second answer changed nothing


def test_a_comment_is_offered_as_a_review_draft_to_the_buyer(client):
    customer = UserFactory()
    lamp = listed_product(name_tr="Masa Lambası", name_en="Desk lamp")
    order = delivered_order(at=DELIVERED, user=customer, products=[lamp])
    _send_all()
    client.force_login(customer)
    client.post(_survey_path(order), {"score": "8", "comment": "Çok güzel ışık veriyor."})
    thanks = client.get(_survey_path(order)).content.decode()
    review_url = reverse("catalog:review", args=[lamp.slug])
    match = re.search(r'href="(' + re.escape(review_url) + r'\?draft=[^"]+)"', thanks)
    assert match, thanks
    form = client.get(match.group(1).replace("&amp;", "&")).content.decode()
    assert "Çok güzel ışık veriyor." in form
    assert not Review.objects.exists()  # nothing published without the customer's own submit


def test_no_review_draft_without_a_comment_or_for_a_guest(client):
    lamp = listed_product()
    silent = delivered_order(at=DELIVERED, user=UserFactory(), products=[lamp])
    guest = delivered_order(at=DELIVERED, user=None, email="g@example.com", products=[lamp])
    _send_all()
    client.post(_survey_path(silent), {"score": "8"})
    client.post(_survey_path(guest), {"score": "8", "comment": "Güzel"})
    for order in (silent, guest):
        assert "?draft=" not in client.get(_survey_path(order)).content.decode()
