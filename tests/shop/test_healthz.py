"""/healthz tells an operator which backing service is down."""

import pytest

from shop.celery import app

pytestmark = pytest.mark.django_db


def test_all_up_in_the_embedded_default_reports_the_broker_as_eager(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "up",
        "cache": "up",
        "broker": "eager",
        "outbox_oldest_queued_seconds": None,
    }


def test_unreachable_broker_gives_503_naming_the_broker(client, monkeypatch):
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["broker"] == "down"
    assert body["database"] == "up"
    assert body["status"] == "degraded"


@pytest.mark.redis
def test_real_redis_broker_reports_up(client, monkeypatch, settings):
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_url", settings.TEST_REDIS_URL)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "up"
