"""One current-consent row per person and channel follows the history, whatever changed it:
the preferences page, sign-up, an unsubscribe link, an SMS STOP reply, an agent on a call."""

import datetime
import itertools
import re
import threading

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection

from crm.notifications.consent_fill import consent_current_fill
from crm.notifications.models import Channel, Consent, ConsentCurrent
from crm.notifications.selectors import consent_audience_counts
from crm.notifications.services import (
    consent_is_given,
    consent_record_by_staff,
    consent_set,
    unsubscribe_url,
)
from crm.notifications.signatures import twilio_signature
from shop.audit import audit_trail
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def _latest(user, channel: str) -> Consent:
    return Consent.objects.filter(user=user, channel=channel).order_by("-created_at", "-pk")[0]


def _assert_current_matches_history(user) -> None:
    for channel in Channel.values:
        history = Consent.objects.filter(user=user, channel=channel)
        current = ConsentCurrent.objects.filter(user=user, channel=channel).first()
        if not history.exists():
            assert current is None, channel
            continue
        latest = _latest(user, channel)
        assert (current.granted, current.source, current.recipient, current.updated_at) == (
            latest.granted,
            latest.source,
            latest.recipient,
            latest.created_at,
        ), channel
        assert consent_is_given(user=user, channel=channel) is latest.granted


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.mark.parametrize("channel", Channel.values)
def test_every_decision_on_every_channel_moves_the_current_row_with_the_history(channel):
    user = UserFactory()
    consent_set(user=user, channel=channel, granted=True, source=Consent.Source.SIGNUP)
    _assert_current_matches_history(user)
    assert (
        consent_set(user=user, channel=channel, granted=True, source=Consent.Source.PROFILE) is None
    )
    consent_set(user=user, channel=channel, granted=False, source=Consent.Source.PROFILE)
    _assert_current_matches_history(user)
    assert ConsentCurrent.objects.filter(user=user).count() == 1
    assert Consent.objects.filter(user=user).count() == 2


def test_a_first_refusal_is_recorded_once_and_is_current():
    user = UserFactory()
    consent_set(user=user, channel=Channel.WHATSAPP, granted=False, source=Consent.Source.SIGNUP)
    consent_set(user=user, channel=Channel.WHATSAPP, granted=False, source=Consent.Source.PROFILE)
    assert Consent.objects.filter(user=user).count() == 1
    current = ConsentCurrent.objects.get(user=user, channel=Channel.WHATSAPP)
    assert (current.granted, current.source) == (False, Consent.Source.SIGNUP)


def test_consent_is_given_reads_one_row(django_assert_num_queries):
    user = UserFactory()
    for granted in (True, False, True):
        consent_set(user=user, channel=Channel.EMAIL, granted=granted, source="profile")
    with django_assert_num_queries(1):
        assert consent_is_given(user=user, channel=Channel.EMAIL)


def test_the_unsubscribe_link_withdraws_the_current_consent(client):
    user = UserFactory(language="en")
    consent_set(user=user, channel=Channel.EMAIL, granted=True, source=Consent.Source.SIGNUP)
    client.post(_path(unsubscribe_url(user=user, channel=Channel.EMAIL)))
    current = ConsentCurrent.objects.get(user=user, channel=Channel.EMAIL)
    assert (current.granted, current.source) == (False, Consent.Source.UNSUBSCRIBE)
    _assert_current_matches_history(user)


def test_an_sms_stop_reply_withdraws_the_current_sms_consent_only(client, fake_sms):
    user = UserFactory()
    consent_set(user=user, channel=Channel.SMS, granted=True, source=Consent.Source.SIGNUP)
    consent_set(user=user, channel=Channel.WHATSAPP, granted=True, source=Consent.Source.SIGNUP)
    stop = {"From": user.phone, "Body": "STOP"}
    url = "http://testserver/notifications/sms/inbound/"
    signature = twilio_signature(auth_token="secret-token", url=url, params=stop)
    assert client.post(url, stop, headers={"X-Twilio-Signature": signature}).status_code == 204
    sms = ConsentCurrent.objects.get(user=user, channel=Channel.SMS)
    assert (sms.granted, sms.source) == (False, Consent.Source.SMS_OPT_OUT)
    assert consent_is_given(user=user, channel=Channel.WHATSAPP)
    _assert_current_matches_history(user)


def test_the_preferences_page_records_phone_and_whatsapp_and_says_nothing_is_sent(client):
    user = UserFactory(language="en")
    client.force_login(user)
    page = client.get("/en/account/messages/")
    assert 'for="id_phone_marketing"' in page.text
    assert 'for="id_whatsapp_marketing"' in page.text
    assert "We only record this choice for now: we make no marketing calls yet" in page.text
    assert "We only record this choice for now: we send no WhatsApp messages yet" in page.text
    client.post("/en/account/messages/", {"phone_marketing": "on", "whatsapp_marketing": "on"})
    assert consent_is_given(user=user, channel=Channel.PHONE)
    assert consent_is_given(user=user, channel=Channel.WHATSAPP)
    assert not consent_is_given(user=user, channel=Channel.EMAIL)
    page = client.get("/en/account/messages/")
    assert re.search(r'<input type="checkbox" name="whatsapp_marketing"[^>]* checked>', page.text)
    assert not re.search(r'<input type="checkbox" name="email_marketing"[^>]* checked>', page.text)
    client.post("/en/account/messages/", {"whatsapp_marketing": "on"})
    phone = ConsentCurrent.objects.get(user=user, channel=Channel.PHONE)
    assert (phone.granted, phone.source, phone.recipient) == (False, "profile", user.phone)
    _assert_current_matches_history(user)


def test_the_turkish_preferences_page_explains_the_phone_and_whatsapp_boxes(client):
    client.force_login(UserFactory(language="tr"))
    page = client.get("/account/messages/")
    assert "WhatsApp" in page.text
    assert "Şimdilik yalnızca tercihinizi kaydediyoruz: henüz WhatsApp" in page.text


def test_sign_up_records_phone_and_whatsapp_choices(client, django_capture_on_commit_callbacks):
    form = client.get("/en/account/signup/").text
    assert 'for="id_phone_marketing"' in form
    assert "we send no WhatsApp messages yet" in form
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/account/signup/",
            {
                "email": "caller@example.com",
                "password1": "a-Long-and-unique-pass-42",
                "password2": "a-Long-and-unique-pass-42",
                "whatsapp_marketing": "on",
            },
        )
    current = dict(
        ConsentCurrent.objects.filter(user__email="caller@example.com").values_list(
            "channel", "granted"
        )
    )
    assert current == {"email": False, "sms": False, "phone": False, "whatsapp": True}


def test_audiences_are_counted_per_channel_in_one_query(django_assert_num_queries):
    people = UserFactory.create_batch(4)
    for person in people[:3]:
        consent_set(user=person, channel=Channel.EMAIL, granted=True, source="signup")
    consent_set(user=people[0], channel=Channel.SMS, granted=True, source="signup")
    consent_set(user=people[1], channel=Channel.SMS, granted=True, source="signup")
    consent_set(user=people[1], channel=Channel.SMS, granted=False, source="unsubscribe")
    consent_set(user=people[3], channel=Channel.PHONE, granted=True, source="staff")
    people[2].is_active = False  # an erased account is no audience
    people[2].save(update_fields=["is_active"])

    with django_assert_num_queries(1):
        given = consent_audience_counts()
    assert given == {"email": 2, "sms": 1, "phone": 1, "whatsapp": 0, "push": 0}
    with django_assert_num_queries(1):
        withdrawn = consent_audience_counts(granted=False)
    assert withdrawn == {"email": 0, "sms": 1, "phone": 0, "whatsapp": 0, "push": 0}


def test_a_consent_taken_on_a_call_has_the_staff_source_and_the_agent():
    agent = StaffFactory()
    customer = UserFactory()
    decision = consent_record_by_staff(
        agent=agent, user=customer, channel=Channel.PHONE, granted=True, note="asked on the call"
    )
    assert (decision.source, decision.recorded_by, decision.recipient) == (
        Consent.Source.STAFF,
        agent,
        customer.phone,
    )
    current = ConsentCurrent.objects.get(user=customer, channel=Channel.PHONE)
    assert (current.granted, current.source) == (True, Consent.Source.STAFF)
    [entry] = audit_trail(target=customer)
    assert (entry.actor, entry.action, entry.reason) == (
        agent,
        "consent.given",
        "asked on the call",
    )

    # Repeating what is already current records nothing, and audits nothing.
    assert (
        consent_record_by_staff(agent=agent, user=customer, channel="phone", granted=True) is None
    )
    assert audit_trail(target=customer).count() == 1


def test_only_staff_record_a_consent_for_someone_else():
    customer = UserFactory()
    with pytest.raises(PermissionDenied):
        consent_record_by_staff(
            agent=UserFactory(), user=customer, channel=Channel.SMS, granted=True
        )
    assert not Consent.objects.filter(user=customer).exists()
    assert not ConsentCurrent.objects.filter(user=customer).exists()


def test_the_fill_writes_each_latest_decision_from_the_history_and_can_run_again():
    """What the data migration runs: history written before the current rows existed."""
    ayse, mehmet = UserFactory(), UserFactory(phone="+905559876543")
    start = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)

    def old_decision(user, channel, granted, source, minutes):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            return Consent.objects.create(
                user=user,
                channel=channel,
                granted=granted,
                source=source,
                recipient=user.email if channel == "email" else user.phone,
            )

    old_decision(ayse, "email", True, "signup", 0)
    old_decision(ayse, "email", False, "unsubscribe", 10)
    old_decision(ayse, "sms", True, "signup", 0)
    # Two decisions in the same instant: the later row wins, as it does in the history.
    old_decision(mehmet, "sms", True, "profile", 5)
    old_decision(mehmet, "sms", False, "sms_opt_out", 5)
    old_decision(mehmet, "whatsapp", True, "staff", 7)
    assert not ConsentCurrent.objects.exists()

    assert consent_current_fill() == 4
    assert consent_current_fill() == 4  # again: the same rows, nothing doubled
    assert ConsentCurrent.objects.count() == 4
    _assert_current_matches_history(ayse)
    _assert_current_matches_history(mehmet)
    assert not consent_is_given(user=mehmet, channel="sms")
    assert consent_is_given(user=ayse, channel="sms")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_decisions_racing_on_one_channel_leave_one_current_row_equal_to_the_latest():
    """A STOP reply, a link click and the preferences page at once: the user lock orders them."""
    user = UserFactory()
    choices = [True, False, True, True, False, True]
    barrier = threading.Barrier(len(choices))
    errors: list[Exception] = []

    def decide(granted: bool) -> None:
        try:
            barrier.wait(timeout=30)
            consent_set(user=user, channel=Channel.SMS, granted=granted, source="profile")
        except Exception as error:  # the test reports what a thread got
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(choice,)) for choice in choices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a decision hung"
    assert errors == []
    assert ConsentCurrent.objects.filter(user=user).count() == 1
    _assert_current_matches_history(user)
    granted_in_a_row = list(
        Consent.objects.filter(user=user)
        .order_by("created_at", "pk")
        .values_list("granted", flat=True)
    )
    assert all(a != b for a, b in itertools.pairwise(granted_in_a_row)), "no repeat recorded"
