"""Production's Content Security Policy names Stripe only when Stripe is configured."""

from tests.shop.production import production_settings


def _sources(production: dict, directive: str) -> list[str]:
    return [str(source) for source in production["SECURE_CSP"][directive]]


def test_production_without_stripe_keys_names_no_fake_stripe_server(monkeypatch, tmp_path):
    production = production_settings(monkeypatch, tmp_path)
    for directive in ("script-src", "connect-src", "frame-src"):
        sources = _sources(production, directive)
        assert not [s for s in sources if "127.0.0.1" in s or "localhost" in s], directive


def test_production_with_stripe_keys_allows_stripe_js(monkeypatch, tmp_path):
    production = production_settings(monkeypatch, tmp_path, STRIPE_SECRET_KEY="sk_live_x")
    assert "https://js.stripe.com" in _sources(production, "script-src")
    assert "https://api.stripe.com" in _sources(production, "connect-src")
