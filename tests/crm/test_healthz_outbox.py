"""/healthz shows how long the oldest queued message has waited: "is a worker sending?"."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crm.notifications.models import Message, Status

pytestmark = pytest.mark.django_db


def _message(*, waiting: timedelta, status: str = Status.QUEUED) -> Message:
    return Message.objects.create(
        kind="welcome",
        channel="email",
        category="transactional",
        recipient="ayse@example.com",
        language="tr",
        body_text="Hoş geldiniz",
        status=status,
        not_before=timezone.now() - waiting,
    )


def test_healthz_reports_the_age_of_the_oldest_queued_message(client):
    _message(waiting=timedelta(minutes=5))
    _message(waiting=timedelta(minutes=1))
    _message(waiting=timedelta(hours=3), status=Status.SENT)
    _message(waiting=-timedelta(hours=1), status=Status.DEFERRED)  # not due yet
    body = client.get("/healthz").json()
    assert 300 <= body["outbox_oldest_queued_seconds"] < 360


def test_a_day_old_queue_is_information_never_a_503(client):
    _message(waiting=timedelta(days=1))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["outbox_oldest_queued_seconds"] >= 24 * 3600
