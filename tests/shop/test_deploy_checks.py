"""The shop's own deploy checks: production refuses development leftovers, naming the setting."""

import pytest
from django.core.checks import ERROR, WARNING, run_checks

from tests.shop.test_settings import PRODUCTION_SECRET, _manage, _settings
from tests.vapid import vapid_pair

VAPID_PUBLIC, VAPID_PRIVATE = vapid_pair()

REAL = {
    "PRODUCTION": True,
    "HTTPS": True,
    "STRIPE_SECRET_KEY": "sk_live_51Real",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_51Real",
    "STRIPE_API_BASE": "https://api.stripe.com",
    "STRIPE_JS_URL": "https://js.stripe.com/v3/",
    "STRIPE_WEBHOOK_SECRET": "whsec_real",
    "NOTIFICATIONS_WEBHOOK_SECRET": "a-long-random-secret",
    "SMS_BACKEND": "crm.notifications.backends.FileSmsBackend",
    "SMS_TWILIO_AUTH_TOKEN": "",
    "SITE_URL": "https://shop.example.com",
    "MAILERS": {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}},
    "MEDIA_SERVED_BY_PROXY": True,
    "ECHECK_SEAL_KEY": "a-long-random-seal-key",
    "ECHECK_ENCRYPTION_KEYS": ["xA3p0Jw1VwZ5J6Qm8p0yq9m0v2j5f7n3Yz1cE8lK4sU="],
    "PAGE_CACHE_URL": "redis://pages.internal:6379/0",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "WEB_PUSH_VAPID_PUBLIC_KEY": VAPID_PUBLIC,
    "WEB_PUSH_VAPID_PRIVATE_KEY": VAPID_PRIVATE,
    "WEB_PUSH_CONTACT": "mailto:ops@shop.example.com",
}
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": PRODUCTION_SECRET,
    "DJANGO_ALLOWED_HOSTS": "shop.example.com",
}
REAL_ENV = {
    **PRODUCTION_ENV,
    "STRIPE_SECRET_KEY": "sk_live_51Real",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_51Real",
    "STRIPE_WEBHOOK_SECRET": "whsec_real",
    "NOTIFICATIONS_WEBHOOK_SECRET": "a-long-random-secret",
    "SITE_URL": "https://shop.example.com",
    "EMAIL_URL": "smtp+tls://shop:password@smtp.example.com:587",
    "DJANGO_MEDIA_SERVED_BY_PROXY": "true",
    "ECHECK_SEAL_KEY": "a-long-random-seal-key",
    "ECHECK_ENCRYPTION_KEYS": "xA3p0Jw1VwZ5J6Qm8p0yq9m0v2j5f7n3Yz1cE8lK4sU=",
    "PAGE_CACHE_URL": "redis://pages.internal:6379/0",
    "WEB_PUSH_VAPID_PUBLIC_KEY": VAPID_PUBLIC,
    "WEB_PUSH_VAPID_PRIVATE_KEY": VAPID_PRIVATE,
    "WEB_PUSH_CONTACT": "mailto:ops@shop.example.com",
}


def _deploy_messages() -> list:
    return run_checks(tags=["deploy"], include_deployment_checks=True)


@pytest.fixture
def production(settings):
    for name, value in REAL.items():
        setattr(settings, name, value)
    return settings


def test_real_production_settings_pass(production):
    assert _deploy_messages() == []


def test_development_mode_is_not_checked(production):
    production.PRODUCTION = False
    production.STRIPE_SECRET_KEY = "sk_test_local_fake_stripe"
    assert _deploy_messages() == []


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("STRIPE_SECRET_KEY", "sk_test_local_fake_stripe"),
        ("STRIPE_SECRET_KEY", ""),
        ("STRIPE_PUBLISHABLE_KEY", "pk_test_local_fake_stripe"),
        ("STRIPE_PUBLISHABLE_KEY", ""),
        ("STRIPE_API_BASE", "http://127.0.0.1:8420"),
        ("STRIPE_JS_URL", "http://localhost:8420/js.stripe.com/v3/"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_local_fake_stripe"),
        ("STRIPE_WEBHOOK_SECRET", ""),
        ("NOTIFICATIONS_WEBHOOK_SECRET", "dev-webhook-secret"),
        ("NOTIFICATIONS_WEBHOOK_SECRET", ""),
        ("SITE_URL", "http://127.0.0.1:8000"),
        ("SITE_URL", "http://localhost"),
        ("MAILERS", {"default": {"BACKEND": "shop.mail.ConsoleAndFileEmailBackend"}}),
        ("MAILERS", {"default": {"BACKEND": "django.core.mail.backends.filebased.EmailBackend"}}),
        ("MEDIA_SERVED_BY_PROXY", False),
        ("ECHECK_SEAL_KEY", "dev-only-echeck-seal-key-7b1d4f0e9a2c"),
        ("ECHECK_SEAL_KEY", ""),
        ("ECHECK_ENCRYPTION_KEYS", ["Itkfpe35wyQ3h6fdM3DSF5hqkh2XAvzfL_VT14ROoLo="]),
        ("ECHECK_ENCRYPTION_KEYS", []),
    ],
)
def test_each_development_leftover_is_an_error_naming_its_setting(production, setting, value):
    setattr(production, setting, value)
    messages = _deploy_messages()
    assert [m.level for m in messages] == [ERROR]
    named = "DJANGO_MEDIA_SERVED_BY_PROXY" if setting == "MEDIA_SERVED_BY_PROXY" else setting
    if setting == "MAILERS":
        named = "EMAIL_URL"
    assert named in messages[0].msg


def test_twilio_without_an_auth_token_is_an_error(production):
    production.SMS_BACKEND = "crm.notifications.backends.TwilioSmsBackend"
    messages = _deploy_messages()
    assert [m.level for m in messages] == [ERROR]
    assert "SMS_TWILIO_AUTH_TOKEN" in messages[0].msg
    production.SMS_TWILIO_AUTH_TOKEN = "twilio-token"
    assert _deploy_messages() == []


def test_media_on_object_storage_needs_no_proxy(production):
    production.MEDIA_SERVED_BY_PROXY = False
    production.STORAGES = {
        **production.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    }
    assert _deploy_messages() == []


def test_plain_http_switch_turns_errors_into_warnings(production):
    production.HTTPS = False
    production.STRIPE_API_BASE = "http://127.0.0.1:8420"
    messages = _deploy_messages()
    assert {m.level for m in messages} == {WARNING}
    assert any("DJANGO_HTTPS" in m.msg for m in messages)
    assert any("STRIPE_API_BASE" in m.msg for m in messages)


# --- production settings as `manage.py check --deploy` sees them ----------------------------


def test_production_with_real_settings_passes_check_deploy_even_at_warning_level(tmp_path):
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", DUKKAN_VAR_DIR=str(tmp_path), **REAL_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_with_the_fake_stripe_defaults_fails_check_deploy(tmp_path):
    result = _manage("check", "--deploy", DUKKAN_VAR_DIR=str(tmp_path), **PRODUCTION_ENV)
    assert result.returncode != 0
    for setting in (
        "STRIPE_SECRET_KEY",
        "STRIPE_API_BASE",
        "STRIPE_WEBHOOK_SECRET",
        "NOTIFICATIONS_WEBHOOK_SECRET",
        "SITE_URL",
        "EMAIL_URL",
        "DJANGO_MEDIA_SERVED_BY_PROXY",
        "ECHECK_SEAL_KEY",
        "ECHECK_ENCRYPTION_KEYS",
    ):
        assert setting in result.stderr, setting


def test_plain_http_production_turns_off_every_https_setting_and_check_deploy_warns(tmp_path):
    env = {**PRODUCTION_ENV, "DJANGO_HTTPS": "false", "DUKKAN_VAR_DIR": str(tmp_path)}
    values = _settings(**env)["settings"]
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert values["LANGUAGE_COOKIE_SECURE"] is False
    result = _manage("check", "--deploy", **env)
    assert result.returncode == 0, result.stderr
    assert "DJANGO_HTTPS is false" in result.stderr
    assert "STRIPE_API_BASE" in result.stderr


def test_a_page_cache_on_the_brokers_redis_is_refused(production):
    production.PAGE_CACHE_URL = "redis://redis.internal:6379/5"  # another db, same server
    [message] = _deploy_messages()
    assert (message.id, message.level) == ("shop.E010", ERROR)
    assert "PAGE_CACHE_URL" in message.msg


def test_production_without_a_page_cache_is_warned_about(production):
    production.PAGE_CACHE_URL = ""
    [message] = _deploy_messages()
    assert (message.id, message.level) == ("shop.W020", WARNING)
