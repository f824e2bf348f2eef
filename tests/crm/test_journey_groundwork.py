"""What every journey stands on: words staff edit per language (restricted placeholders, never
a template), a switch per journey, a batch send for an audience that queues each occasion
once, and the staff report of sent, skipped and failed."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.journeys import registry as journey_registry
from crm.journeys.registry import Journey, register_journey
from crm.journeys.selectors import journey_enabled, journeys_report
from crm.journeys.services import journey_run, journey_switch
from crm.models import JourneyRun
from crm.notifications import kinds as kind_registry
from crm.notifications.exceptions import PlaceholderError
from crm.notifications.kinds import EditableText, MessageKind, get_kind, register_kind, switchable
from crm.notifications.models import Category, Channel, Consent, Message, MessageText, Status
from crm.notifications.selectors import marketing_audience
from crm.notifications.services import (
    Outgoing,
    consent_set,
    message_text_save,
    notification_send,
    notification_send_many,
)
from shop.models import AuditEntry
from tests.conftest import wait_until
from tests.factories import StaffFactory, UserFactory

from .staff_helpers import staff_groups  # noqa: F401

pytestmark = pytest.mark.django_db

KIND = "test_greeting"
# Noon in Istanbul (UTC+3), 18:00 in Tokyo (UTC+9): outside the quiet hours 21–09 in both.
NOON = datetime(2027, 5, 4, 9, 0, tzinfo=UTC)
# 22:00 in Istanbul, 04:00 the next day in Tokyo: quiet hours in both.
NIGHT = datetime(2027, 5, 4, 19, 0, tzinfo=UTC)


@pytest.fixture
def greeting():
    """A journey with one editable marketing kind, registered for the test and removed after."""
    kind = register_kind(
        MessageKind(
            KIND,
            Category.MARKETING,
            (Channel.EMAIL, Channel.SMS),
            {"first_name": "Ayşe", "coupon": "DOGUM10"},
            text=EditableText(
                subject=_("Hello"),
                body="Dear {first_name}, your code is {coupon}.",
                sms="{first_name}: {coupon}",
                placeholders=("first_name", "coupon", "site_name"),
            ),
        )
    )
    journey = register_journey(
        Journey(
            name="test_journey",
            title="Test journey",
            description="Greets for the tests.",
            kinds=(KIND,),
            unreachable=lambda: {"no birth date": 7},
        )
    )
    yield kind, journey
    kind_registry._kinds.pop(KIND)
    journey_registry._journeys.pop(journey.name)


def _consenting(**fields):
    user = UserFactory(**fields)
    consent_set(user=user, channel=Channel.EMAIL, granted=True, source=Consent.Source.SIGNUP)
    return user


def _send(user, key: str) -> Message:
    [row] = notification_send(
        to=user, kind=KIND, context={"coupon": "DOGUM10"}, channels=[Channel.EMAIL], dedupe_key=key
    )
    return row


def test_the_customer_reads_staffs_words_in_their_language_escaped_in_html(greeting):
    staff = StaffFactory()
    message_text_save(
        kind=KIND,
        language="tr",
        subject="Mutlu günler {first_name}",
        body="Sevgili {first_name}, kodun {coupon}. <b>Sürpriz</b>",
        sms="{first_name}, kodun {coupon}",
        staff=staff,
    )
    with time_machine.travel(NOON, tick=False):
        turkish = _send(_consenting(first_name="Ayşe", language="tr"), "a")
        english = _send(_consenting(first_name="John", language="en"), "b")

    assert turkish.subject_line == "Mutlu günler Ayşe"
    assert "Sevgili Ayşe, kodun DOGUM10." in turkish.body_text
    assert "&lt;b&gt;Sürpriz&lt;/b&gt;" in turkish.body_html  # staff text is never markup
    assert english.subject_line == "Hello"  # no English text saved: the default
    assert "Dear John, your code is DOGUM10." in english.body_text
    assert AuditEntry.objects.filter(action="message_text.save", actor=staff).count() == 1


def test_a_text_may_use_only_the_kinds_placeholders_and_a_refusal_saves_nothing(greeting):
    for bad in ("{first_name.__class__}", "{order_number}", "{coupon!r}", "Brace {"):
        with pytest.raises(PlaceholderError):
            message_text_save(
                kind=KIND, language="tr", subject=bad, body="ok", sms="", staff=StaffFactory()
            )
    assert not MessageText.objects.exists()


def test_a_journey_switched_off_queues_nothing_and_back_on_it_sends(greeting):
    staff = StaffFactory()
    customer = _consenting()
    journey_switch(name="test_journey", enabled=False, staff=staff)
    assert not journey_enabled("test_journey")
    with time_machine.travel(NOON, tick=False):
        row = _send(customer, "off")
        assert (row.status, row.status_reason) == (Status.SUPPRESSED, "switched off")
        assert (
            notification_send_many(
                kind=KIND, channel=Channel.EMAIL, outgoing=[Outgoing(to=customer, dedupe_key="x")]
            )
            == 0
        )
        journey_switch(name="test_journey", enabled=True, staff=staff)
        assert _send(customer, "on").status == Status.QUEUED
    # An order's own messages cannot be switched off.
    assert not switchable(get_kind("order_confirmed"))


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_batch_queues_each_occasion_once_at_a_decent_hour_and_the_worker_sends_it(
    greeting, celery_worker, settings
):
    settings.NOTIFICATIONS_QUIET_HOURS = (21, 9)
    istanbul = _consenting(first_name="Ayşe", language="tr", time_zone="Europe/Istanbul")
    tokyo = _consenting(first_name="Kenji", language="en", time_zone="Asia/Tokyo")
    UserFactory()  # no consent: not in the audience
    with time_machine.travel(NIGHT, tick=False):
        audience = list(marketing_audience(channel=Channel.EMAIL, kind=KIND))
        outgoing = [
            Outgoing(to=user, dedupe_key=f"test:{user.pk}", context={"coupon": "BAYRAM"})
            for user in audience
        ]
        assert notification_send_many(kind=KIND, channel=Channel.EMAIL, outgoing=outgoing) == 2
        assert notification_send_many(kind=KIND, channel=Channel.EMAIL, outgoing=outgoing) == 0
    rows = {row.user_id: row for row in Message.objects.filter(kind=KIND)}
    assert set(rows) == {istanbul.pk, tokyo.pk}
    # 22:00 in Istanbul waits for 09:00 there; 04:00 in Tokyo for 09:00 in Tokyo.
    assert rows[istanbul.pk].not_before == datetime(2027, 5, 5, 6, 0, tzinfo=UTC)
    assert rows[tokyo.pk].not_before == datetime(2027, 5, 5, 0, 0, tzinfo=UTC)
    assert {row.status_reason for row in rows.values()} == {"quiet hours"}

    settings.NOTIFICATIONS_QUIET_HOURS = (0, 0)  # now (the worker's clock is not frozen)
    outgoing = [Outgoing(to=istanbul, dedupe_key="now", context={"coupon": "BAYRAM"})]
    assert notification_send_many(kind=KIND, channel=Channel.EMAIL, outgoing=outgoing) == 1
    assert wait_until(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == [istanbul.email]
    assert "Dear Ayşe, your code is BAYRAM." in mail.outbox[0].body  # Turkish: no text saved
    # the email leaves before the row records it: wait for the record too
    assert wait_until(lambda: Message.objects.get(dedupe_key="now").status == Status.SENT)


def test_the_report_counts_sent_waiting_skipped_by_reason_and_failed(greeting, settings):
    settings.NOTIFICATIONS_MARKETING_WEEKLY_CAP = 0
    with time_machine.travel(NOON, tick=False):
        _send(UserFactory(), "no-consent")  # suppressed: no consent
        _send(_consenting(), "capped")  # suppressed: the weekly cap (0)
        settings.NOTIFICATIONS_MARKETING_WEEKLY_CAP = 3
        queued = _send(_consenting(), "waiting")
        Message.objects.filter(pk=_send(_consenting(), "sent").pk).update(status=Status.SENT)
        Message.objects.filter(pk=_send(_consenting(), "failed").pk).update(status=Status.FAILED)
        with journey_run("test_journey") as tally:
            tally.examined, tally.queued = 5, 3
        with pytest.raises(RuntimeError), journey_run("test_journey"):
            raise RuntimeError("database went away")
        [row] = [r for r in journeys_report() if r.journey.name == "test_journey"]
    assert queued.status == Status.QUEUED
    assert (row.sent, row.waiting, row.failed) == (1, 1, 1)
    assert row.skipped == {"no consent": 1, "weekly cap reached": 1}
    assert row.unreachable == {"no birth date": 7}
    assert row.last_run.error == "RuntimeError: database went away"
    assert JourneyRun.objects.filter(journey="test_journey", queued=3, examined=5).count() == 1


def _marketing_staff():
    staff = StaffFactory(is_superuser=False)
    staff.groups.add(Group.objects.get(name="Marketing"))
    return staff


def test_marketing_staff_see_the_report_switch_a_journey_and_edit_its_words(
    client,
    greeting,
    staff_groups,  # noqa: F811
    django_assert_max_num_queries,
):
    client.force_login(_marketing_staff())
    _send(UserFactory(), "no-consent")
    overview = reverse("admin:crm_journeys")
    with django_assert_max_num_queries(14):
        page = client.get(overview)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="journey-test_journey"' in html and "no consent: 1" in html
    assert "no birth date: 7" in html

    url = reverse("admin:crm_journey", args=["test_journey"])
    form = client.get(url).context["form"]
    data = {name: form[name].initial or "" for name in form.fields}
    data[f"{KIND}__tr__subject"] = "İyi bayramlar {first_name}"
    data["enabled"] = ""
    assert client.post(url, data).status_code == 302
    assert MessageText.objects.get(kind=KIND, language="tr").subject == "İyi bayramlar {first_name}"
    assert not MessageText.objects.filter(kind=KIND, language="en").exists()  # unchanged
    assert not journey_enabled("test_journey")

    data[f"{KIND}__en__body"] = "Hi {password}"
    answer = client.post(url, data)
    assert answer.status_code == 200
    [error] = answer.context["form"].errors[f"{KIND}__en__body"]
    assert "{password}" in error and 'class="errorlist' in answer.content.decode()
    assert not MessageText.objects.filter(kind=KIND, language="en").exists()


def test_an_agent_may_not_see_or_edit_the_journeys(client, greeting, staff_groups):  # noqa: F811
    agent = StaffFactory(is_superuser=False)
    agent.groups.add(Group.objects.get(name="Call-centre agent"))
    client.force_login(agent)
    assert client.get(reverse("admin:crm_journeys")).status_code == 403
    assert client.get(reverse("admin:crm_journey", args=["test_journey"])).status_code == 403
    viewer = StaffFactory(is_superuser=False)
    viewer.user_permissions.add(Permission.objects.get(codename="view_journeyrun"))
    client.force_login(viewer)
    assert client.get(reverse("admin:crm_journeys")).status_code == 200
    assert client.get(reverse("admin:crm_journey", args=["test_journey"])).status_code == 403
