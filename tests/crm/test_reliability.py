"""Messages are never lost and never doubled: real Redis broker, real Celery worker, PostgreSQL."""

import threading

import pytest
from django.core import mail
from django.db import connection, transaction

from crm.notifications.models import Consent, Message, Status
from crm.notifications.services import consent_set, messages_relay, notification_send
from crm.notifications.tasks import deliver_message
from shop.celery import app
from tests.conftest import wait_until
from tests.factories import UserFactory

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _point_broker_at(monkeypatch, url: str) -> None:
    """Publish through `url` from now on (drop the cached producer pool of the old one)."""
    monkeypatch.setitem(app.conf, "broker_url", url)
    app._pool = None
    app.amqp._producer_pool = None


def _sent(message: Message) -> bool:
    message.refresh_from_db()
    return message.status == Status.SENT


def test_message_in_a_rolled_back_transaction_is_never_sent(celery_worker):
    user = UserFactory()

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        notification_send(to=user, kind="welcome", dedupe_key="rolled-back")
        raise Abort
    assert not Message.objects.exists()
    control = notification_send(to=UserFactory(), kind="welcome")[0]
    assert wait_until(lambda: _sent(control))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [control.recipient]


def test_delivery_task_run_twice_or_raced_by_two_workers_sends_once(celery_worker):
    user = UserFactory()
    message = notification_send(to=user, kind="welcome")[0]
    assert wait_until(lambda: _sent(message))
    deliver_message.delay(message.pk)  # the same task again, through the real worker

    def run_in_thread() -> None:
        try:
            deliver_message.apply(args=[message.pk])
        finally:
            connection.close()

    racers = [threading.Thread(target=run_in_thread) for _ in range(4)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    control = notification_send(to=UserFactory(), kind="welcome")[0]
    assert wait_until(lambda: _sent(control))
    assert [m.to for m in mail.outbox].count([user.email]) == 1
    message.refresh_from_db()
    assert message.attempts == 1


def test_broker_down_at_commit_keeps_the_request_working_and_the_relay_delivers_later(
    client, celery_worker, monkeypatch, settings
):
    real_broker = app.conf.broker_url
    _point_broker_at(monkeypatch, "redis://127.0.0.1:1/0")  # nothing listens there
    response = client.post(
        "/en/account/signup/",
        {
            "email": "during-outage@example.com",
            "password1": "a-Long-and-unique-pass-42",
            "password2": "a-Long-and-unique-pass-42",
        },
    )
    assert response.status_code == 302  # the sign-up itself succeeded
    welcome = Message.objects.get(kind="welcome", recipient="during-outage@example.com")
    assert welcome.status == Status.QUEUED
    assert not any(m.subject.startswith("Welcome") for m in mail.outbox)

    _point_broker_at(monkeypatch, real_broker)
    settings.NOTIFICATIONS_RELAY_AFTER_SECONDS = 0
    assert messages_relay() >= 1
    assert wait_until(lambda: _sent(welcome))
    assert messages_relay() == 0  # a second relay run finds nothing left to do
    assert [m.subject for m in mail.outbox].count("Welcome to Dükkan") == 1


def test_provider_500_is_retried_by_the_worker_then_marked_failed(
    celery_worker, fake_sms, settings
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 0
    settings.NOTIFICATIONS_QUIET_HOURS = (0, 0)
    fake_sms.fail_with = 500
    user = UserFactory()
    consent_set(user=user, channel="sms", granted=True, source=Consent.Source.SIGNUP)
    sms = notification_send(to=user, kind="promotion", channels=["sms"])[0]
    assert wait_until(lambda: Message.objects.get(pk=sms.pk).status == Status.FAILED)
    sms.refresh_from_db()
    assert sms.attempts == 3
    assert len(fake_sms.requests) == 3
