"""Consent captured at sign-up and on the account page; staff's message log, previews, export."""

import pytest

from crm.notifications.models import Channel, Consent, Message, Status
from crm.notifications.services import consent_is_given
from crm.services import marketing_consent_record
from shop.models import User
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_sign_up_records_the_marketing_consent_ticked_with_source_and_version(
    client, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/account/signup/",
            {
                "email": "optin@example.com",
                "password1": "a-Long-and-unique-pass-42",
                "password2": "a-Long-and-unique-pass-42",
                "sms_marketing": "on",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="optin@example.com")
    sms = Consent.objects.get(user=user, channel=Channel.SMS)
    assert (sms.granted, sms.source, sms.text_version) == (
        True,
        Consent.Source.SIGNUP,
        settings.NOTIFICATIONS_CONSENT_TEXT_VERSION,
    )
    assert sms.ip_address == "127.0.0.1"
    assert not consent_is_given(user=user, channel=Channel.EMAIL)
    welcome = Message.objects.get(user=user, kind="welcome")
    assert welcome.status == Status.SENT


def test_account_page_gives_and_withdraws_consent(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get("/en/account/messages/")
    assert 'for="id_email_marketing"' in page.text
    client.post("/en/account/messages/", {"email_marketing": "on"})
    assert consent_is_given(user=user, channel=Channel.EMAIL)
    client.post("/en/account/messages/", {})
    assert not consent_is_given(user=user, channel=Channel.EMAIL)
    history = list(
        Consent.objects.filter(user=user, channel=Channel.EMAIL)
        .order_by("created_at", "pk")
        .values_list("granted", "source")
    )
    assert history == [(True, "profile"), (False, "profile")]


def test_marketing_choices_are_recorded_once_per_change_with_version_and_address(settings):
    user = UserFactory()
    choice = {Channel.EMAIL: True, Channel.SMS: False}

    marketing_consent_record(
        user=user, granted=choice, source=Consent.Source.PROFILE, ip_address="198.51.100.7"
    )
    marketing_consent_record(
        user=user, granted=choice, source=Consent.Source.PROFILE, ip_address="198.51.100.7"
    )

    rows = Consent.objects.filter(user=user).order_by("channel")
    assert [(r.channel, r.granted, r.ip_address, r.text_version) for r in rows] == [
        ("email", True, "198.51.100.7", settings.NOTIFICATIONS_CONSENT_TEXT_VERSION),
        ("sms", False, "198.51.100.7", settings.NOTIFICATIONS_CONSENT_TEXT_VERSION),
    ]
    assert consent_is_given(user=user, channel=Channel.EMAIL)


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def _message(**kwargs) -> Message:
    values = {
        "kind": "welcome",
        "channel": "email",
        "category": "transactional",
        "recipient": "someone@example.com",
        "language": "tr",
        "body_text": "Merhaba",
        "status": Status.SENT,
    }
    return Message.objects.create(**{**values, **kwargs})


def test_staff_filter_the_message_log(staff_client):
    _message(recipient="failed@example.com", status=Status.FAILED)
    _message(recipient="fine@example.com")
    page = staff_client.get("/en/admin/notifications/message/?status__exact=failed")
    assert page.status_code == 200
    assert "failed@example.com" in page.text
    assert "fine@example.com" not in page.text


def test_staff_resend_a_failed_message_from_the_admin(
    staff_client, django_capture_on_commit_callbacks
):
    failed = _message(recipient="retry@example.com", status=Status.FAILED)
    sent = _message(recipient="done@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/en/admin/notifications/message/",
            {"action": "resend", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )
    assert "1 message resent." in response.text
    assert "1 skipped" in response.text
    copy = Message.objects.get(resend_of=failed)
    assert copy.status == Status.SENT
    assert not Message.objects.filter(resend_of=sent).exists()


def test_staff_preview_a_template_in_both_languages(staff_client):
    page = staff_client.get("/en/admin/notifications/message/preview/?kind=promotion")
    assert page.status_code == 200
    assert "Hello Ayşe," in page.text
    assert "Merhaba Ayşe," in page.text
    assert "Almak istemiyorsanız RET" in page.text  # Turkish SMS opt-out line


def test_staff_export_consents_for_the_national_register(staff_client):
    user = UserFactory(phone="+905321112233")
    from crm.notifications.services import consent_set

    consent_set(user=user, channel=Channel.SMS, granted=True, source=Consent.Source.SIGNUP)
    ids = list(Consent.objects.values_list("pk", flat=True))
    response = staff_client.post(
        "/en/admin/notifications/consent/",
        {"action": "export_for_iys", "_selected_action": ids},
    )
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "recipient,type,source,status,consentDate,recipientType"
    assert lines[1].startswith("+905321112233,MESAJ,HS_WEB,ONAY,")
