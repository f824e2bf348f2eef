"""The values shop/settings/ computes in production, for tests that check them."""

import importlib
import os
import sys

import shop


def _settings_modules() -> dict:
    return {
        name: module
        for name, module in sys.modules.items()
        if name == "shop.settings" or name.startswith("shop.settings.")
    }


def production_settings(monkeypatch, tmp_path, **env: str) -> dict:
    """shop.settings as production evaluates it (only its values; nothing is configured)."""
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
    # Evaluated anew, every part of the package, then the loaded settings modules put back.
    loaded = _settings_modules()
    for name in loaded:
        del sys.modules[name]
    try:
        return dict(vars(importlib.import_module("shop.settings")))
    finally:
        for name in _settings_modules():
            del sys.modules[name]
        sys.modules.update(loaded)
        shop.settings = loaded["shop.settings"]
