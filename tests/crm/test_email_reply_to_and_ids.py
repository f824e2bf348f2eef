"""An outgoing email's Reply-To and its Message-ID: the id is derived from the outbox row and
signed, so a reply's In-Reply-To names the row (a made-up id names none); a resend keeps the
Reply-To."""

import pytest
from django.core import mail

from crm.notifications.email_ids import email_message_id, email_message_pk
from crm.notifications.models import Status
from crm.notifications.selectors import outbox_row_for_email_id
from crm.notifications.services import message_resend, notification_send
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_email_carries_the_reply_to_and_a_message_id_naming_its_outbox_row(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        [row] = notification_send(to=user, kind="welcome", reply_to="help+abc@example.com")
    [email] = mail.outbox
    assert email.reply_to == ["help+abc@example.com"]
    message_id = email.extra_headers["Message-ID"]
    assert message_id == f"<{email_message_id(row.pk)}>"
    assert outbox_row_for_email_id(message_id) == row
    row.refresh_from_db()
    assert row.status == Status.SENT and row.provider_message_id == message_id.strip("<>")

    with django_capture_on_commit_callbacks(execute=True):
        copy = message_resend(message=row)
    assert mail.outbox[1].reply_to == ["help+abc@example.com"]
    assert mail.outbox[1].extra_headers["Message-ID"] == f"<{email_message_id(copy.pk)}>"


def test_an_email_without_reply_to_has_none_and_made_up_ids_name_no_row(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        [row] = notification_send(to=UserFactory(), kind="welcome")
    assert mail.outbox[0].reply_to == []
    forged = email_message_id(row.pk).replace(f"n{row.pk}.", f"n{row.pk + 1}.")
    assert email_message_pk(forged) is None
    assert email_message_pk("CA+abc@mail.example.com") is None
    assert outbox_row_for_email_id("") is None
