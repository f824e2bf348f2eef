"""Languages live in the URL: Turkish unprefixed (the default), English under /en/."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_default_language_is_turkish_and_unprefixed(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="tr">' in response.text
    assert "Sepet" in response.text  # the cart link


def test_english_lives_under_en(client):
    response = client.get("/en/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert "Cart" in response.text


def test_switching_to_turkish_renders_the_page_in_turkish(client):
    response = client.post(
        "/i18n/setlang/", {"language": "tr", "next": "/en/legal/terms/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/legal/terms/"
    assert '<html lang="tr">' in response.text
    assert "Kullanım koşulları" in response.text


def test_switching_saves_the_choice_on_the_signed_in_user(client):
    user = UserFactory(language="tr")
    client.force_login(user)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/account/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/account/"
    user.refresh_from_db()
    assert user.language == "en"


def test_switching_to_an_unknown_language_changes_nothing(client):
    user = UserFactory(language="tr")
    client.force_login(user)
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/account/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "tr"
