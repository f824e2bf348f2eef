"""The inbound-email webhook's signature: signed like the shop's other callbacks, refused when
forged, stale, unsigned, or when production has no secret of its own."""

import time

import pytest

from complaints.inbound.webhook import inbound_signature, inbound_webhook_verified
from shop.embedded import DEV_COMPLAINTS_INBOUND_WEBHOOK_SECRET

SECRET = "a-long-random-inbound-secret"
BODY = "From: Ayşe <ayse@example.com>\nSubject: Kargo\n\nGelmedi.\n".encode()


@pytest.fixture
def secret(settings):
    settings.COMPLAINTS_INBOUND_WEBHOOK_SECRET = SECRET
    settings.COMPLAINTS_INBOUND_WEBHOOK_TOLERANCE_SECONDS = 300
    return SECRET


def _signed(*, secret=SECRET, body=BODY, sent_at=None):
    timestamp = str(int(time.time()) if sent_at is None else sent_at)
    return {
        "body": body,
        "timestamp": timestamp,
        "signature": inbound_signature(secret=secret, timestamp=timestamp, body=body),
    }


def test_a_correctly_signed_message_is_verified(secret):
    assert inbound_webhook_verified(**_signed())


def test_a_changed_body_another_secret_or_no_signature_is_refused(secret):
    tampered = {**_signed(), "body": BODY.replace(b"Gelmedi", b"Geldi")}
    assert not inbound_webhook_verified(**tampered)
    assert not inbound_webhook_verified(**_signed(secret="guessed"))
    assert not inbound_webhook_verified(**{**_signed(), "signature": ""})
    assert not inbound_webhook_verified(**{**_signed(), "timestamp": ""})


def test_a_replay_outside_the_tolerance_either_way_is_refused(secret):
    now = int(time.time())
    assert inbound_webhook_verified(**_signed(sent_at=now - 299))
    assert not inbound_webhook_verified(**_signed(sent_at=now - 400))
    assert not inbound_webhook_verified(**_signed(sent_at=now + 400))
    # The timestamp is signed: moving it forward breaks the signature.
    stale = _signed(sent_at=now - 400)
    assert not inbound_webhook_verified(**{**stale, "timestamp": str(now)})


def test_the_development_secret_works_in_development_only(settings):
    settings.COMPLAINTS_INBOUND_WEBHOOK_SECRET = DEV_COMPLAINTS_INBOUND_WEBHOOK_SECRET
    signed = _signed(secret=DEV_COMPLAINTS_INBOUND_WEBHOOK_SECRET)
    assert inbound_webhook_verified(**signed)
    settings.PRODUCTION = True
    assert not inbound_webhook_verified(**signed)


def test_production_without_a_secret_refuses_everything(settings):
    settings.PRODUCTION = True
    settings.COMPLAINTS_INBOUND_WEBHOOK_SECRET = ""
    assert not inbound_webhook_verified(**_signed(secret=""))


def test_production_settings_have_no_default_secret():
    from tests.shop.test_settings import PRODUCTION_SECRET, _settings

    production = _settings(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=PRODUCTION_SECRET,
        DJANGO_ALLOWED_HOSTS="shop.example.com",
        STRIPE_SECRET_KEY="sk_live_x",
    )["settings"]
    assert production["COMPLAINTS_INBOUND_WEBHOOK_SECRET"] == ""
