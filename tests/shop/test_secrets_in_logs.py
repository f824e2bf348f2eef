"""In production, messages never reach the process log, and log lines are redacted: no
key-bearing link, password, token, T.C. number or full phone number in logs or on stdout."""

import io
import logging
import re

import pytest
from django.core import mail

from crm.notifications.services import Recipient, notification_send
from orders.messages import SAMPLE
from shop.log_redaction import RedactSecretsFilter
from tests.factories import UserFactory
from tests.shop.production import production_settings

pytestmark = pytest.mark.django_db

PASSWORD = "Sekiz-Karakter-77"
TC_NUMBER = "10000000146"
PHONE = "+905321234567"


def _secrets_in(text: str, secrets: list[str]) -> list[str]:
    found = [secret for secret in secrets if secret in text]
    found += re.findall(r"/(?:confirm-email|password/reset/key)/[^/\s\[]+/", text)
    return found


def test_production_keeps_links_passwords_and_numbers_out_of_logs_and_stdout(
    client, settings, monkeypatch, tmp_path, caplog, capfd, django_capture_on_commit_callbacks
):
    production = production_settings(monkeypatch, tmp_path)
    settings.MAILERS = production["MAILERS"]
    settings.SMS_BACKEND = production["SMS_BACKEND"]
    settings.VAR_DIR = tmp_path
    caplog.set_level(logging.DEBUG)
    root_handlers = [h for h in logging.getLogger().handlers if h is not caplog.handler]
    console = next(h for h in root_handlers if isinstance(h, logging.StreamHandler))
    console_output = io.StringIO()
    previous_stream = console.setStream(console_output)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(  # a verification email
                "/en/account/signup/",
                {"email": "newcomer@example.com", "password1": PASSWORD, "password2": PASSWORD},
            )
        UserFactory(email="forgetful@example.com", verified=True, phone=PHONE)
        client.post("/en/account/password/reset/", {"email": "forgetful@example.com"})
        documents = [{"title": "Contract", "text": f"Buyer T.C. {TC_NUMBER}, phone {PHONE}"}]
        with django_capture_on_commit_callbacks(execute=True):
            notification_send(
                to=Recipient(email="guest@example.com", phone=PHONE, language="tr"),
                kind="order_confirmed",
                context={**SAMPLE, "documents": documents},
            )
        # Something logging a secret by mistake still comes out redacted.
        logging.getLogger("shop.test").warning(
            "mailing %s to %s (%s) T.C. %s", "http://x/account/password/reset/key/1-abc-def/",
            "forgetful@example.com", PHONE, TC_NUMBER,
        )  # fmt: skip
    finally:
        console.setStream(previous_stream)

    # The messages were really written (to files), with their links and numbers in them.
    written = "".join(p.read_text() for p in tmp_path.rglob("*") if p.is_file())
    assert "/account/confirm-email/" in written
    assert "/account/password/reset/key/" in written
    assert TC_NUMBER in written
    assert PHONE in written
    assert mail.outbox == []  # sent through production's backend, not the test outbox

    secrets = [PASSWORD, TC_NUMBER, PHONE, PHONE.lstrip("+"), "5321234567"]
    printed = capfd.readouterr()
    assert _secrets_in(printed.out + printed.err, secrets) == []
    logged = console_output.getvalue()
    assert "mailing http://x/account/password/reset/key/[redacted]/" in logged
    assert _secrets_in(logged, secrets) == []
    records = "\n".join(
        r.getMessage() for r in caplog.records if r.name != "shop.test"
    )  # what the shop itself logged, before any redaction
    assert _secrets_in(records, secrets) == []


def test_the_filter_is_on_the_console_handler_in_production(monkeypatch, tmp_path):
    production = production_settings(monkeypatch, tmp_path)
    handler = production["LOGGING"]["handlers"]["console"]
    assert [production["LOGGING"]["filters"][name]["()"] for name in handler["filters"]] == [
        "shop.log_redaction.RedactSecretsFilter"
    ]
    assert production["MAILERS"]["default"]["OPTIONS"]["console"] is False


def test_redaction_of_a_record_with_an_exception():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "reset %s", ("token=abc",), None)
    try:
        raise ValueError(f"bad link /account/confirm-email/{'k' * 40}/ for {PHONE}")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    RedactSecretsFilter().filter(record)
    assert record.getMessage() == "reset token=[redacted]"
    assert "confirm-email/[redacted]/" in record.exc_text
    assert PHONE not in record.exc_text
