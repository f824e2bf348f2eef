"""Settings from the environment: `.env.example` as shipped is the embedded default, an empty key
takes its default, production requires its secrets, and the suite itself reads no `.env`."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shop.settings import SettingsEnv
from tests.settings import documented_keys

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_SECRET = "p" * 20 + "-Zq8#r!x2Lw9@vN4$kT7&mB1^cH6*yD3"
# Where `.env` is looked for and whether it is read: meaningless inside a `.env`.
DOT_ENV_SWITCHES = {"DUKKAN_READ_DOT_ENV", "DUKKAN_ENV_FILE"}

DUMP = """
import json
import django

django.setup()
from django.conf import settings
from shop.settings import env

values = {name: getattr(settings, name) for name in dir(settings) if name.isupper()}
print(json.dumps({"settings": values, "keys_read": sorted(env.keys_read)}, default=str))
"""


def subprocess_env(**env: str) -> dict[str, str]:
    """The environment of a `shop.settings` subprocess: the embedded default plus `env`.

    The test settings already removed every shop key from os.environ (and set
    DUKKAN_READ_DOT_ENV=0); the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is no part of it.
    """
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**inherited, "DJANGO_SETTINGS_MODULE": "shop.settings", **env}


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        args,
        cwd=ROOT,
        env=subprocess_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return _run([sys.executable, "manage.py", *args], **env)


def _settings(**env: str) -> dict:
    result = _run([sys.executable, "-c", DUMP], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_env_example_copied_as_dot_env_gives_the_embedded_default_key_for_key(tmp_path):
    dot_env = tmp_path / ".env"
    shutil.copy(ROOT / ".env.example", dot_env)
    var = str(tmp_path / "var")
    embedded = _settings(DUKKAN_READ_DOT_ENV="0", DUKKAN_VAR_DIR=var)["settings"]
    copied = _settings(DUKKAN_READ_DOT_ENV="1", DUKKAN_ENV_FILE=str(dot_env), DUKKAN_VAR_DIR=var)
    copied = copied["settings"]

    for name in (
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "CELERY_BROKER_URL",
        "CELERY_TASK_ALWAYS_EAGER",
        "STRIPE_API_BASE",
        "STRIPE_JS_URL",
        "STRIPE_SECRET_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "NOTIFICATIONS_WEBHOOK_SECRET",
        "SECURE_CSP",
        "DATABASES",
        "MAILERS",
    ):
        assert copied[name] == embedded[name], name
    assert embedded["DEBUG"] is True
    assert embedded["CELERY_BROKER_URL"] == "memory://"
    assert embedded["STRIPE_API_BASE"] == "http://127.0.0.1:8420"
    differing = sorted(name for name in embedded if copied.get(name) != embedded[name])
    assert differing == []


def test_dot_env_is_read_unless_switched_off_and_empty_keys_take_their_default(tmp_path):
    dot_env = tmp_path / ".env"
    dot_env.write_text("SITE_NAME=Dükkan Deneme\nDJANGO_DEBUG=\nCELERY_BROKER_URL=\n")
    read = _settings(DUKKAN_ENV_FILE=str(dot_env), DUKKAN_READ_DOT_ENV="1")["settings"]
    assert read["SITE_NAME"] == "Dükkan Deneme"
    assert read["DEBUG"] is True
    assert read["CELERY_BROKER_URL"] == "memory://"
    ignored = _settings(DUKKAN_ENV_FILE=str(dot_env), DUKKAN_READ_DOT_ENV="0")["settings"]
    assert ignored["SITE_NAME"] == "Dükkan"


def test_an_empty_required_key_is_named_in_the_error(monkeypatch):
    monkeypatch.setitem(SettingsEnv.ENVIRON, "DUKKAN_TEST_REQUIRED", "")
    with pytest.raises(Exception, match="DUKKAN_TEST_REQUIRED"):
        SettingsEnv().str("DUKKAN_TEST_REQUIRED")


def test_every_key_the_settings_read_is_documented_in_env_example(tmp_path):
    production = _settings(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=PRODUCTION_SECRET,
        DJANGO_ALLOWED_HOSTS="shop.example.com",
        STRIPE_SECRET_KEY="sk_live_x",
        DUKKAN_VAR_DIR=str(tmp_path),
    )
    development = _settings(DUKKAN_VAR_DIR=str(tmp_path))
    read = set(production["keys_read"]) | set(development["keys_read"])
    assert read - DOT_ENV_SWITCHES - documented_keys() == set()


def test_the_suite_reads_no_dot_env_and_runs_in_development_mode(settings):
    assert os.environ["DUKKAN_READ_DOT_ENV"] == "0"
    assert not settings.PRODUCTION
    assert not documented_keys() & set(os.environ) - {"DUKKAN_VAR_DIR"}


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _manage(
        "check",
        DJANGO_ENV="production",
        DJANGO_ALLOWED_HOSTS="shop.example.com",
        DUKKAN_VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_an_empty_secret_key(tmp_path):
    result = _manage(
        "check",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="",
        DJANGO_ALLOWED_HOSTS="shop.example.com",
        DUKKAN_VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    result = _manage(
        "check",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="x" * 60,
        DUKKAN_VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr
