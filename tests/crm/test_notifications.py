"""The message service: channels, languages, consent and manners, retries, dedupe, callbacks."""

import hashlib
import hmac
import json

import pytest
from django.core import mail
from django.utils import timezone

from crm.notifications.models import Channel, Consent, Message, Status, Suppression
from crm.notifications.services import (
    Recipient,
    consent_set,
    message_resend,
    messages_relay,
    notification_send,
)
from crm.notifications.signatures import twilio_signature
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _send(capture, **kwargs):
    with capture(execute=True):
        return notification_send(**kwargs)


def _consenting_user(**kwargs):
    user = UserFactory(**kwargs)
    for channel in (Channel.EMAIL, Channel.SMS):
        consent_set(user=user, channel=channel, granted=True, source=Consent.Source.SIGNUP)
    return user


def test_transactional_email_is_rendered_in_the_persons_language_and_sent(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(language="en", first_name="Emma")
    [message] = _send(django_capture_on_commit_callbacks, to=user, kind="welcome")
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.subject == "Welcome to Dükkan"
    assert "Hello Emma," in email.body
    assert "Hello Emma," in email.alternatives[0].content


def test_turkish_customer_gets_turkish_text(django_capture_on_commit_callbacks):
    user = UserFactory(language="tr", first_name="Ayşe")
    _send(django_capture_on_commit_callbacks, to=user, kind="welcome")
    assert mail.outbox[0].subject == "Dükkan'a hoş geldiniz"
    assert "Merhaba Ayşe," in mail.outbox[0].body


def test_marketing_without_consent_is_suppressed_and_logged(django_capture_on_commit_callbacks):
    user = UserFactory()
    rows = _send(
        django_capture_on_commit_callbacks,
        to=user,
        kind="promotion",
        context={"headline": "Kış indirimi", "offer": "%20"},
    )
    assert {(m.channel, m.status, m.status_reason) for m in rows} == {
        ("email", Status.SUPPRESSED, "no consent"),
        ("sms", Status.SUPPRESSED, "no consent"),
    }
    assert mail.outbox == []


def test_marketing_email_carries_one_click_unsubscribe_that_withdraws_consent(
    client, django_capture_on_commit_callbacks
):
    user = _consenting_user(language="en")
    _send(
        django_capture_on_commit_callbacks,
        to=user,
        kind="promotion",
        channels=[Channel.EMAIL],
        context={"headline": "Winter sale", "offer": "20%"},
    )
    email = mail.outbox[0]
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert url in email.body
    response = client.post(url.split("://", 1)[1].split("/", 1)[1].join(["/", ""]))
    assert response.status_code == 200
    assert "You are unsubscribed" in response.text
    latest = Consent.objects.filter(user=user, channel=Channel.EMAIL).first()
    assert (latest.granted, latest.source) == (False, Consent.Source.UNSUBSCRIBE)
    again = _send(
        django_capture_on_commit_callbacks, to=user, kind="promotion", channels=[Channel.EMAIL]
    )
    assert again[0].status == Status.SUPPRESSED


def test_forged_unsubscribe_link_changes_nothing(client):
    response = client.get("/en/unsubscribe/not-a-real-token/")
    assert response.status_code == 400
    assert "This link is not valid" in response.text


def test_weekly_marketing_cap_holds(settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS_MARKETING_WEEKLY_CAP = 2
    user = _consenting_user()
    statuses = [
        _send(django_capture_on_commit_callbacks, to=user, kind="promotion", channels=["email"])[
            0
        ].status
        for _ in range(3)
    ]
    assert (
        statuses[:2] == [Status.QUEUED, Status.QUEUED] or statuses[:2].count(Status.SUPPRESSED) == 0
    )
    third = Message.objects.order_by("-pk").first()
    assert (third.status, third.status_reason) == (Status.SUPPRESSED, "weekly cap reached")
    assert len(mail.outbox) == 2


def test_marketing_sms_in_quiet_hours_is_deferred_to_the_morning(
    settings, django_capture_on_commit_callbacks
):
    hour = timezone.localtime().hour  # TIME_ZONE is Europe/Istanbul, as is the user's
    settings.NOTIFICATIONS_QUIET_HOURS = (hour, (hour + 1) % 24)
    user = _consenting_user()
    [sms] = _send(django_capture_on_commit_callbacks, to=user, kind="promotion", channels=["sms"])
    sms.refresh_from_db()
    assert sms.status == Status.DEFERRED
    assert timezone.localtime(sms.not_before).hour == (hour + 1) % 24
    assert sms.not_before > timezone.now()


def test_marketing_sms_carries_an_opt_out_and_is_counted_in_parts(
    fake_sms, django_capture_on_commit_callbacks, settings
):
    settings.NOTIFICATIONS_QUIET_HOURS = (0, 0)  # no quiet hours for this test
    user = _consenting_user(language="tr")
    [sms] = _send(
        django_capture_on_commit_callbacks,
        to=user,
        kind="promotion",
        channels=["sms"],
        context={"headline": "Kış indirimi başladı", "offer": "%20"},
    )
    sms.refresh_from_db()
    assert sms.status == Status.SENT
    # "Dükkan: Kış indirimi başladı %20" plus the Turkish opt-out line: over 70 UCS-2 characters
    assert 70 < len(sms.body_text) <= 134
    assert (sms.sms_encoding, sms.sms_parts) == ("UCS-2", 2)
    sent = fake_sms.requests[0]
    assert sent["To"] == user.phone
    assert "RET" in sent["Body"] or "STOP" in sent["Body"]
    assert sms.provider_message_id.startswith("SM")


def test_transactional_messages_need_no_consent_and_reach_guests(
    django_capture_on_commit_callbacks,
):
    [message] = _send(
        django_capture_on_commit_callbacks,
        to=Recipient(email="guest@example.com", language="en"),
        kind="welcome",
    )
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert mail.outbox[0].to == ["guest@example.com"]


def test_same_dedupe_key_sends_once(django_capture_on_commit_callbacks):
    user = UserFactory()
    first = _send(django_capture_on_commit_callbacks, to=user, kind="welcome", dedupe_key="w:1")
    second = _send(django_capture_on_commit_callbacks, to=user, kind="welcome", dedupe_key="w:1")
    assert first[0].pk == second[0].pk
    assert Message.objects.count() == 1
    assert len(mail.outbox) == 1


def test_provider_error_is_retried_then_marked_failed_without_breaking_the_caller(
    fake_sms, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 0
    settings.NOTIFICATIONS_QUIET_HOURS = (0, 0)
    fake_sms.fail_with = 500
    user = _consenting_user()
    # The caller (e.g. a checkout request) sees no error.
    [sms] = _send(django_capture_on_commit_callbacks, to=user, kind="promotion", channels=["sms"])
    sms.refresh_from_db()
    assert sms.status == Status.FAILED
    assert sms.attempts == 3
    assert "500" in sms.last_error
    assert len(fake_sms.requests) == 3


def test_staff_resend_makes_a_new_linked_row(
    fake_sms, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_QUIET_HOURS = (0, 0)
    fake_sms.fail_with = 400
    user = _consenting_user()
    [failed] = _send(
        django_capture_on_commit_callbacks, to=user, kind="promotion", channels=["sms"]
    )
    failed.refresh_from_db()
    assert failed.status == Status.FAILED
    fake_sms.fail_with = None
    with django_capture_on_commit_callbacks(execute=True):
        copy = message_resend(message=failed)
    copy.refresh_from_db()
    assert copy.resend_of == failed
    assert copy.status == Status.SENT


def test_stuck_sending_becomes_unknown_not_resent(settings):
    settings.NOTIFICATIONS_STUCK_AFTER_SECONDS = 60
    user = UserFactory()
    message = Message.objects.create(
        kind="welcome",
        channel="email",
        category="transactional",
        user=user,
        recipient=user.email,
        language="tr",
        body_text="x",
        status=Status.SENDING,
        claimed_at=timezone.now() - timezone.timedelta(minutes=5),
    )
    messages_relay()
    message.refresh_from_db()
    assert message.status == Status.UNKNOWN
    assert mail.outbox == []


def test_signed_email_bounce_suppresses_the_address_for_marketing(
    client, settings, django_capture_on_commit_callbacks
):
    user = UserFactory()
    [welcome] = _send(django_capture_on_commit_callbacks, to=user, kind="welcome")
    welcome.refresh_from_db()
    body = json.dumps(
        {"message_id": welcome.provider_message_id, "event": "bounce", "bounce_type": "hard"}
    ).encode()
    forged = client.post(
        "/notifications/email/events/",
        body,
        content_type="application/json",
        headers={"X-Dukkan-Signature": "0" * 64},
    )
    assert forged.status_code == 403
    signature = hmac.new(
        settings.NOTIFICATIONS_WEBHOOK_SECRET.encode(), body, hashlib.sha256
    ).hexdigest()
    response = client.post(
        "/notifications/email/events/",
        body,
        content_type="application/json",
        headers={"X-Dukkan-Signature": signature},
    )
    assert response.status_code == 204
    welcome.refresh_from_db()
    assert (welcome.status, welcome.status_reason) == (Status.FAILED, "hard bounce")
    assert Suppression.objects.filter(channel="email", address=user.email).exists()
    consent_set(user=user, channel="email", granted=True, source=Consent.Source.PROFILE)
    [promo] = _send(
        django_capture_on_commit_callbacks, to=user, kind="promotion", channels=["email"]
    )
    assert (promo.status, promo.status_reason) == (Status.SUPPRESSED, "address suppressed")


def test_signed_sms_delivery_report_and_stop_reply(client, fake_sms, settings):
    user = UserFactory()
    consent_set(user=user, channel="sms", granted=True, source=Consent.Source.SIGNUP)
    message = Message.objects.create(
        kind="welcome",
        channel="sms",
        category="transactional",
        user=user,
        recipient=user.phone,
        language="tr",
        body_text="x",
        status=Status.SENT,
        provider_message_id="SM42",
    )
    params = {"MessageSid": "SM42", "MessageStatus": "delivered"}
    url = "http://testserver/notifications/sms/status/"
    signature = twilio_signature(auth_token="secret-token", url=url, params=params)
    assert client.post(url, params, headers={"X-Twilio-Signature": "bad"}).status_code == 403
    assert client.post(url, params, headers={"X-Twilio-Signature": signature}).status_code == 204
    message.refresh_from_db()
    assert message.status == Status.DELIVERED

    stop = {"From": user.phone, "Body": "RET"}
    url = "http://testserver/notifications/sms/inbound/"
    signature = twilio_signature(auth_token="secret-token", url=url, params=stop)
    assert client.post(url, stop, headers={"X-Twilio-Signature": signature}).status_code == 204
    assert not Consent.objects.filter(user=user, channel="sms").first().granted
