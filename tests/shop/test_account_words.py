"""One word for each thing on the account pages, as in the header and the rest of the shop: the
Turkish pages say "Şifre" for password everywhere (allauth's, Django's password validators' and
the admin's "Parola" are overridden in our catalogue), and the pages name signing in, signing up
and logging out as the header does, in both languages."""

import re

import pytest
from django.core import mail

from tests.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def _assert_one_term(response) -> None:
    assert response.status_code == 200
    page = response.text.casefold()
    assert "şifre" in page
    assert "parola" not in page, re.findall(r".{40}parola.{40}", page)


def test_sign_in_and_sign_up_say_sifre_even_in_their_errors(client):
    _assert_one_term(client.get("/account/login/"))
    _assert_one_term(
        client.post("/account/login/", {"login": "nobody@example.com", "password": "wrong"})
    )
    _assert_one_term(client.get("/account/signup/"))
    mismatched = client.post(
        "/account/signup/",
        {"email": "new@example.com", "password1": "12345678", "password2": "different-1"},
    )
    _assert_one_term(mismatched)
    too_weak = client.post(
        "/account/signup/", {"email": "new@example.com", "password1": "123", "password2": "123"}
    )
    _assert_one_term(too_weak)
    assert "şifre çok kısa" in too_weak.text.casefold()


def test_password_reset_pages_say_sifre_from_the_request_to_the_new_password(client):
    UserFactory(email="forgetful@example.com", verified=True)
    _assert_one_term(client.get("/account/password/reset/"))
    sent = client.post("/account/password/reset/", {"email": "forgetful@example.com"}, follow=True)
    assert sent.status_code == 200
    link = re.search(r"https?://[^/]+(/\S+/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    key_page = client.get(link, follow=True)
    _assert_one_term(key_page)
    action = key_page.redirect_chain[-1][0] if key_page.redirect_chain else link
    _assert_one_term(client.post(action, {"password1": "kisa", "password2": "kisa"}))


def test_password_change_says_sifre_in_the_shop_and_in_the_admin(client):
    user = UserFactory(verified=True)
    client.force_login(user)
    _assert_one_term(client.get("/account/password/change/"))
    wrong_old = client.post(
        "/account/password/change/",
        {"oldpassword": "not-it", "password1": "1234", "password2": "1234"},
    )
    _assert_one_term(wrong_old)

    staff = StaffFactory()
    client.force_login(staff)
    _assert_one_term(client.get("/admin/password_change/"))
    _assert_one_term(
        client.post(
            "/admin/password_change/",
            {"old_password": DEFAULT_PASSWORD, "new_password1": "1", "new_password2": "2"},
        )
    )


@pytest.mark.parametrize(
    ("prefix", "sign_in", "sign_up", "log_out"),
    [("/en", "Sign in", "Sign up", "Log out"), ("", "Giriş yap", "Üye ol", "Çıkış yap")],
)
def test_sign_in_sign_up_and_log_out_pages_use_the_headers_words(
    client, prefix, sign_in, sign_up, log_out
):
    def heading_and_button(path: str) -> tuple[str, str]:
        response = client.get(f"{prefix}{path}")
        assert response.status_code == 200
        main = response.text.split('<main id="main"', 1)[1]
        heading = re.search(r"<h1>\s*(.*?)\s*</h1>", main, re.S).group(1)
        button = re.search(r"<button[^>]*type=\"submit\"[^>]*>\s*(.*?)\s*</button>", main, re.S)
        return heading, button.group(1)

    assert heading_and_button("/account/login/") == (sign_in, sign_in)
    assert heading_and_button("/account/signup/") == (sign_up, sign_up)
    header = client.get(f"{prefix}/account/login/").text.split('<main id="main"', 1)[0]
    assert f">{sign_in}</a>" in header and f">{sign_up}</a>" in header

    client.force_login(UserFactory(verified=True))
    assert heading_and_button("/account/logout/") == (log_out, log_out)
    header = client.get(f"{prefix}/account/").text.split('<main id="main"', 1)[0]
    assert f">{log_out}</button>" in header
