"""The shop's layout, error pages and security headers."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_home_has_title_main_and_labelled_search(client):
    html = client.get("/en/").text
    assert "<title>" in html and "</title>" in html
    assert '<main id="main"' in html
    assert '<label for="site-search"' in html
    assert 'id="cart-count"' in html


def test_unknown_page_gets_the_shops_404_page(client):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'class="site-header"' in response.text


def test_csrf_failure_gets_the_shops_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/en/account/login/", {"login": "a@example.com", "password": "x"})
    assert response.status_code == 403
    assert "Your session expired" in response.text
    assert 'class="site-header"' in response.text


def test_500_page_renders_in_the_layout_without_a_request():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html or "Bir şeyler ters gitti" in html
    assert 'class="site-header"' in html


def test_content_security_policy_allows_self_and_stripe_only(client, settings):
    response = client.get("/en/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    script_src = policy.split("script-src")[1].split(";")[0].split()
    assert script_src[0] == "'self'"
    assert settings.STRIPE_JS_ORIGIN in script_src
    assert "frame-src" in policy
    assert "'unsafe-inline'" not in policy


def test_all_assets_are_self_hosted(client):
    html = client.get("/en/").text
    assert "https://" not in html.split("<body")[0]
    assert "/static/django_htmx/htmx-2.min.js" in html


def test_legal_placeholder_pages_exist_and_unknown_ones_404(client):
    assert client.get("/en/legal/privacy/").status_code == 200
    assert client.get("/en/legal/nonsense/").status_code == 404


def test_a_new_visitors_form_carries_a_working_token_of_their_own():
    import re

    from django.urls import reverse

    url = reverse("orders:track")
    token_in = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    one, other = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = [token_in.search(browser.get(url).text)[1] for browser in (one, other)]
    assert tokens[0] != tokens[1]
    assert all(len(token) == 64 and token.isascii() and token.isalnum() for token in tokens)
    assert one.cookies["csrftoken"].value != other.cookies["csrftoken"].value
    posted = one.post(url, {"csrfmiddlewaretoken": tokens[0], "track": "1"})
    assert posted.status_code == 200 and 'class="track-form"' in posted.text
    refused = one.post(url, {"csrfmiddlewaretoken": tokens[1], "track": "1"})
    assert refused.status_code == 403


def test_token_characters_are_drawn_evenly_from_the_whole_alphabet():
    """The tokens pages hand out (one per response, drawn in shop.visitor for speed) are in
    Django's format: its length, unmasking to the visitor's cookie secret as Django's own token
    does, drawn evenly from the whole alphabet."""
    from collections import Counter
    from types import SimpleNamespace

    from django.middleware.csrf import (
        CSRF_ALLOWED_CHARS,
        CSRF_TOKEN_LENGTH,
        _unmask_cipher_token,
        get_token,
    )

    from shop.visitor import csrf_token

    tokens = []
    for _ in range(10_000):
        request = SimpleNamespace(META={})
        token = csrf_token(request)
        assert csrf_token(request) == token  # one token per response
        assert len(token) == CSRF_TOKEN_LENGTH
        assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]
        tokens.append(token)
    # Django's own token for the same visitor: the same length and the same secret.
    django_token = get_token(request)
    assert len(django_token) == len(token)
    assert _unmask_cipher_token(django_token) == _unmask_cipher_token(token)
    drawn = Counter("".join(tokens))
    expected = 10_000 * CSRF_TOKEN_LENGTH / len(CSRF_ALLOWED_CHARS)  # 10,000 each
    assert set(drawn) == set(CSRF_ALLOWED_CHARS)
    assert all(abs(count - expected) < expected * 0.1 for count in drawn.values())
