"""The outbox's timing and cap policy, as the journeys will use them: a message "not before" a
time waits for it; marketing email waits out the quiet hours of the recipient's own time zone as
SMS does; a marketing kind outside the weekly cap neither counts nor is held back."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from crm.notifications.kinds import get_kind, register_kind
from crm.notifications.models import Channel, Consent, Message, Status
from crm.notifications.services import consent_set, messages_relay, notification_send
from crm.notifications.services.outbox import message_deliver
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# 08:00 in Istanbul (UTC+3), 06:00 in London: both inside quiet hours 21–09.
EARLY = datetime(2027, 3, 10, 5, 0, tzinfo=UTC)


@pytest.fixture
def occasion_kind():
    """A marketing kind with its texts, taken outside the cap for these tests (as the birthday
    greeting will be), and put back afterwards."""
    kept = get_kind("points_expiring")
    kind = register_kind(replace(kept, counts_toward_cap=False))
    yield kind
    register_kind(kept)


def _consenting(**kwargs):
    user = UserFactory(**kwargs)
    consent_set(user=user, channel=Channel.EMAIL, granted=True, source=Consent.Source.SIGNUP)
    return user


def _send(capture, **kwargs) -> Message:
    with capture(execute=True):
        [row] = notification_send(channels=[Channel.EMAIL], **kwargs)
    row.refresh_from_db()
    return row


def test_a_message_not_before_a_time_waits_for_it_and_then_goes(
    django_capture_on_commit_callbacks,
):
    with time_machine.travel(EARLY, tick=False):
        later = EARLY + timedelta(hours=3)
        row = _send(
            django_capture_on_commit_callbacks,
            to=UserFactory(),
            kind="welcome",
            not_before=later,
        )
        assert (row.status, row.status_reason, row.not_before) == (
            Status.DEFERRED,
            "not before",
            later,
        )
        assert message_deliver(message_id=row.pk) is None and not mail.outbox  # too early
    with time_machine.travel(later + timedelta(minutes=5), tick=False):
        assert messages_relay() == 1  # the relay finds it due (eager here: delivered at once)
        row.refresh_from_db()
        assert row.status == Status.SENT and len(mail.outbox) == 1


def test_marketing_email_waits_out_the_quiet_hours_of_the_recipients_own_time_zone(
    settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_QUIET_HOURS = (21, 9)
    with time_machine.travel(EARLY, tick=False):
        istanbul = _send(
            django_capture_on_commit_callbacks,
            to=_consenting(time_zone="Europe/Istanbul"),
            kind="promotion",
        )
        london = _send(
            django_capture_on_commit_callbacks,
            to=_consenting(time_zone="Europe/London"),
            kind="promotion",
        )
        welcome = _send(django_capture_on_commit_callbacks, to=UserFactory(), kind="welcome")
    assert (istanbul.status, istanbul.status_reason) == (Status.DEFERRED, "quiet hours")
    assert istanbul.not_before == datetime(2027, 3, 10, 6, 0, tzinfo=UTC)  # 09:00 in Istanbul
    assert london.not_before == datetime(2027, 3, 10, 9, 0, tzinfo=UTC)  # 09:00 in London
    assert welcome.status == Status.SENT  # a transactional message is not held


def test_not_before_inside_quiet_hours_goes_at_the_end_of_them(
    settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_QUIET_HOURS = (21, 9)
    with time_machine.travel(EARLY - timedelta(hours=12), tick=False):  # 20:00 the day before
        row = _send(
            django_capture_on_commit_callbacks,
            to=_consenting(time_zone="Europe/Istanbul"),
            kind="promotion",
            not_before=EARLY - timedelta(hours=6),  # 02:00 in Istanbul
        )
    assert row.not_before == datetime(2027, 3, 10, 6, 0, tzinfo=UTC)


def test_a_kind_outside_the_cap_goes_when_the_cap_is_reached_and_does_not_count(
    settings, django_capture_on_commit_callbacks, occasion_kind
):
    settings.NOTIFICATIONS_MARKETING_WEEKLY_CAP = 2
    user = _consenting()
    sent = [
        _send(django_capture_on_commit_callbacks, to=user, kind="promotion").status
        for _ in range(2)
    ]
    assert sent == [Status.SENT, Status.SENT]
    occasion = _send(django_capture_on_commit_callbacks, to=user, kind=occasion_kind.name)
    assert occasion.status == Status.SENT  # the cap is reached, but this kind is outside it
    third = _send(django_capture_on_commit_callbacks, to=user, kind="promotion")
    assert (third.status, third.status_reason) == (Status.SUPPRESSED, "weekly cap reached")


def test_a_kind_outside_the_cap_does_not_use_up_the_week(
    settings, django_capture_on_commit_callbacks, occasion_kind
):
    settings.NOTIFICATIONS_MARKETING_WEEKLY_CAP = 1
    user = _consenting()
    for _ in range(3):
        _send(django_capture_on_commit_callbacks, to=user, kind=occasion_kind.name)
    promotion = _send(django_capture_on_commit_callbacks, to=user, kind="promotion")
    assert promotion.status == Status.SENT


def test_without_consent_a_kind_outside_the_cap_is_still_suppressed(
    django_capture_on_commit_callbacks, occasion_kind
):
    row = _send(django_capture_on_commit_callbacks, to=UserFactory(), kind=occasion_kind.name)
    assert (row.status, row.status_reason) == (Status.SUPPRESSED, "no consent")
