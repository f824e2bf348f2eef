"""The values shop/settings.py computes in production, for tests that check them."""

import os
import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production_settings(monkeypatch, tmp_path, **env: str) -> dict:
    """shop/settings.py as production evaluates it (only its values; nothing is configured)."""
    for key in list(os.environ):
        # DJANGO_ALLOW_ASYNC_UNSAFE belongs to the test harness, not the shop: Playwright's
        # event loop may still look "running" to a test after a browser journey ran.
        if key == "DJANGO_ALLOW_ASYNC_UNSAFE":
            continue
        if key.startswith(("DJANGO_", "EMAIL_", "SMS_", "STRIPE_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("DJANGO_ENV", "production")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "s" * 50)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "shop.example.com")
    monkeypatch.setenv("DUKKAN_VAR_DIR", str(tmp_path))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(ROOT / "shop" / "settings.py"))
