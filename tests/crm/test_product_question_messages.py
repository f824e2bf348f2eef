"""The two product-question messages: the guest's confirmation and "your question has an
answer", in both languages, the shopper's words escaped in the HTML part."""

import pytest
from django.core import mail

from crm.notifications.models import Status
from crm.notifications.services import Recipient, notification_send
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONTEXT = {
    "product": "Masa Lambası",
    "question": "Işığı <b>kısılabiliyor</b> mu?",
    "answer": "Evet, üç kademeli.",
    "action_url": "https://example.com/p/masa-lambasi/#questions",
    "action_label": "Yanıtı görün",
}


def _send(capture, **kwargs):
    with capture(execute=True):
        [message] = notification_send(**kwargs)
    message.refresh_from_db()
    assert message.status == Status.SENT
    return mail.outbox[-1]


def test_the_answer_message_in_turkish_with_the_question_and_the_answer(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(language="tr", first_name="Ayşe")
    email = _send(
        django_capture_on_commit_callbacks,
        to=user,
        kind="product_question_answered",
        context={**CONTEXT, "first_name": "Ayşe"},
    )
    assert email.subject == "Masa Lambası hakkındaki sorunuz yanıtlandı"
    assert "Merhaba Ayşe," in email.body and "Evet, üç kademeli." in email.body
    html = email.alternatives[0].content
    assert "&lt;b&gt;kısılabiliyor&lt;/b&gt;" in html and "<b>kısılabiliyor" not in html
    assert 'href="https://example.com/p/masa-lambasi/#questions"' in html


def test_the_guests_confirmation_in_english(django_capture_on_commit_callbacks):
    email = _send(
        django_capture_on_commit_callbacks,
        to=Recipient(email="guest@example.com", language="en"),
        kind="product_question_confirm",
        context={**CONTEXT, "action_label": "Yes, send my question"},
    )
    assert email.to == ["guest@example.com"]
    assert email.subject == "Please confirm your question about Masa Lambası"
    assert "Please confirm with the link below" in email.body
    assert "Yes, send my question: https://example.com/p/masa-lambasi/#questions" in email.body
