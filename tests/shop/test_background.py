"""Background work leaves a transaction only on commit, and runs on a real Celery worker."""

import uuid

import pytest
import redis
from django.conf import settings
from django.db import transaction

from shop.background import enqueue_on_commit
from shop.celery import app
from tests.conftest import wait_until

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@app.task(name="tests.record_run")
def record_run(key: str) -> None:
    redis.Redis.from_url(settings.TEST_REDIS_URL).rpush(key, "ran")


def _runs(key: str) -> list[bytes]:
    return redis.Redis.from_url(settings.TEST_REDIS_URL).lrange(key, 0, -1)


def test_task_enqueued_in_a_transaction_runs_on_the_worker_only_after_commit(celery_worker):
    key = f"test-run-{uuid.uuid4().hex}"
    control = f"{key}-control"
    with transaction.atomic():
        enqueue_on_commit("tests.record_run", key)
        # Published at once, behind anything already queued: once it ran, the worker has
        # drained the queue, and the task waiting for the commit must not have run.
        record_run.delay(control)
        assert wait_until(lambda: _runs(control) == [b"ran"])
        assert _runs(key) == [], "the task ran before the transaction committed"
    assert wait_until(lambda: _runs(key) == [b"ran"])


def test_task_enqueued_in_a_rolled_back_transaction_never_runs(celery_worker):
    key = f"test-run-{uuid.uuid4().hex}"
    control = f"{key}-control"

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        enqueue_on_commit("tests.record_run", key)
        raise Abort
    # A task enqueued afterwards proves the worker was alive and had drained the queue.
    with transaction.atomic():
        enqueue_on_commit("tests.record_run", control)
    assert wait_until(lambda: _runs(control) == [b"ran"])
    assert _runs(key) == []
