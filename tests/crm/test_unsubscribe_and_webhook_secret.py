"""Unsubscribe links only ask on GET (mail scanners follow links); an empty webhook secret
verifies nothing."""

import hashlib
import hmac
import json

import pytest
from django.core import mail

from crm.notifications.models import Channel, Consent, Message, Status
from crm.notifications.services import consent_is_given, consent_set, unsubscribe_url
from shop.embedded import DEV_NOTIFICATIONS_WEBHOOK_SECRET
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_unsubscribe_link_opened_by_get_only_asks_and_the_button_withdraws_consent(client):
    user = UserFactory(language="en")
    consent_set(user=user, channel=Channel.EMAIL, granted=True, source=Consent.Source.SIGNUP)
    path = _path(unsubscribe_url(user=user, channel=Channel.EMAIL))

    for _ in range(2):  # a mail scanner following the link twice changes nothing
        page = client.get(path)
        assert page.status_code == 200
        assert "Unsubscribe from marketing messages?" in page.text
        assert '<form method="post">' in page.text
    assert consent_is_given(user=user, channel=Channel.EMAIL)

    done = client.post(path)  # the confirm button posts back to the same address
    assert done.status_code == 200
    assert "You are unsubscribed" in done.text
    assert not consent_is_given(user=user, channel=Channel.EMAIL)


def test_one_click_unsubscribe_post_needs_no_csrf_token():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    user = UserFactory(language="tr")
    consent_set(user=user, channel=Channel.SMS, granted=True, source=Consent.Source.SIGNUP)
    path = _path(unsubscribe_url(user=user, channel=Channel.SMS))
    page = client.get(path)
    assert "Pazarlama mesajlarından çıkmak istiyor musunuz?" in page.text
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not consent_is_given(user=user, channel=Channel.SMS)


def test_forged_unsubscribe_link_posted_changes_nothing(client):
    user = UserFactory()
    consent_set(user=user, channel=Channel.EMAIL, granted=True, source=Consent.Source.SIGNUP)
    response = client.post("/en/unsubscribe/forged-token/")
    assert response.status_code == 400
    assert consent_is_given(user=user, channel=Channel.EMAIL)


def _bounce_reported_with(client, key: bytes, message_id: str) -> Message:
    """A sent message, then a bounce report for it signed with `key`; the message as it is now."""
    user = UserFactory()
    message = Message.objects.create(
        kind="welcome",
        channel="email",
        category="transactional",
        user=user,
        recipient=user.email,
        language="tr",
        body_text="x",
        status=Status.SENT,
        provider_message_id=message_id,
    )
    body = json.dumps({"message_id": message.provider_message_id, "event": "bounce"}).encode()
    response = client.post(
        "/notifications/email/events/",
        body,
        content_type="application/json",
        headers={"X-Dukkan-Signature": hmac.new(key, body, hashlib.sha256).hexdigest()},
    )
    assert response.status_code == 403
    message.refresh_from_db()
    return message


def test_email_event_webhook_with_an_empty_secret_accepts_nothing(client, settings):
    settings.NOTIFICATIONS_WEBHOOK_SECRET = ""  # as in a .env copied from .env.example
    message = _bounce_reported_with(client, b"", "m-1@dukkan.local")  # signed with an empty key
    assert message.status == Status.SENT
    assert mail.outbox == []


def test_a_production_shop_refuses_reports_signed_with_the_development_secret(client, settings):
    settings.PRODUCTION = True
    settings.NOTIFICATIONS_WEBHOOK_SECRET = DEV_NOTIFICATIONS_WEBHOOK_SECRET
    message = _bounce_reported_with(
        client, DEV_NOTIFICATIONS_WEBHOOK_SECRET.encode(), "m-2@dukkan.local"
    )
    assert message.status == Status.SENT
