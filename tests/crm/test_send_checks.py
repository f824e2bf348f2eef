"""The outbox's send-time checks: a kind's registered check may refuse a message when it is
about to go out (its occasion has lapsed); the row then ends suppressed with the reason and
nothing is sent. A check that cannot answer puts the message back for a retry."""

import pytest
from django.core import mail

from crm.notifications.models import Channel, Message, Status
from crm.notifications.send_checks import register_send_check, unregister_send_check
from crm.notifications.services import notification_send
from crm.notifications.services.outbox import message_deliver
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def check():
    """A send check on the welcome message, refusing what the test puts in `answers`."""
    answers: list[object] = []

    def welcome_still_wanted(message: Message) -> str:
        answer = answers.pop(0) if answers else ""
        if isinstance(answer, Exception):
            raise answer
        return answer

    register_send_check("welcome", welcome_still_wanted)
    yield answers
    unregister_send_check("welcome", welcome_still_wanted)


def _queued() -> Message:
    [row] = notification_send(to=UserFactory(), kind="welcome", channels=[Channel.EMAIL])
    return row


def test_a_refusal_at_send_time_suppresses_the_message_with_its_reason(check):
    check.append("occasion lapsed")
    row = _queued()
    assert message_deliver(message_id=row.pk) is None
    row.refresh_from_db()
    assert (row.status, row.status_reason, row.sent_at) == (
        Status.SUPPRESSED,
        "occasion lapsed",
        None,
    )
    assert not mail.outbox
    assert message_deliver(message_id=row.pk) is None and not mail.outbox  # stays unsent


def test_a_check_that_cannot_answer_puts_the_message_back_for_a_retry(check, settings):
    check.append(RuntimeError("database went away"))
    row = _queued()
    assert message_deliver(message_id=row.pk) == settings.NOTIFICATIONS_RETRY_BASE_SECONDS
    row.refresh_from_db()
    assert row.status == Status.QUEUED and "database went away" in row.last_error
    assert not mail.outbox


def test_a_kind_without_a_check_or_with_a_check_that_agrees_is_sent(check):
    row = _queued()
    message_deliver(message_id=row.pk)
    row.refresh_from_db()
    assert row.status == Status.SENT and len(mail.outbox) == 1
