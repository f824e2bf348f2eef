"""Accounts through allauth: password reset, change of email, rate limits."""

import re

import pytest
from django.core import mail

from shop.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_password_reset_mails_a_link_that_sets_a_new_password(client):
    user = UserFactory(email="forgetful@example.com", verified=True)
    client.post("/en/account/password/reset/", {"email": "forgetful@example.com"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    response = client.post(
        action, {"password1": "brand-New-secret-77", "password2": "brand-New-secret-77"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-New-secret-77")


def test_repeated_failed_logins_are_locked_out_even_with_the_right_password(client):
    UserFactory(email="target@example.com")
    for attempt in range(5):
        response = client.post(
            "/en/account/login/", {"login": "target@example.com", "password": f"wrong-{attempt}"}
        )
        assert "Too many failed login attempts" not in response.text
    response = client.post(
        "/en/account/login/",
        {"login": "target@example.com", "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.text


def test_email_login_is_case_insensitive(client):
    user = UserFactory(email="mixed@example.com", verified=True)
    response = client.post(
        "/en/account/login/",
        {"login": "MIXED@Example.com", "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def _confirmation_link(message) -> str:
    return re.search(r"https?://[^/]+(/\S+/account/confirm-email/\S+/)", message.body).group(1)


def test_a_new_account_signs_in_only_after_verifying_its_email(client):
    password = "a-Long-and-unique-pass-42"
    response = client.post(
        "/en/account/signup/",
        {"email": "newcomer@example.com", "password1": password, "password2": password},
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/account/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert client.get("/en/account/").status_code == 302  # the account page wants a login

    # Logging in before verifying sends the link again instead of signing in.
    response = client.post(
        "/en/account/login/", {"login": "newcomer@example.com", "password": password}
    )
    assert response["Location"] == "/en/account/confirm-email/"
    assert "_auth_user_id" not in client.session

    link = _confirmation_link(mail.outbox[-1])
    assert client.post(link).status_code == 302
    assert client.get("/en/account/").status_code == 200


def test_sign_up_with_a_taken_address_reveals_nothing_and_mails_the_owner(client):
    UserFactory(email="taken@example.com", verified=True)
    password = "a-Long-and-unique-pass-42"
    response = client.post(
        "/en/account/signup/",
        {"email": "taken@example.com", "password1": password, "password2": password},
        follow=True,
    )
    assert "already" not in response.text
    assert response.redirect_chain[-1][0] == "/en/account/confirm-email/"
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1
    [notice] = [m for m in mail.outbox if m.to == ["taken@example.com"]]
    assert "/account/password/reset/" in notice.body  # the owner is pointed at a reset instead
    fresh = client.post(
        "/en/account/signup/",
        {"email": "fresh@example.com", "password1": password, "password2": password},
        follow=True,
    )
    assert fresh.redirect_chain[-1][0] == response.redirect_chain[-1][0]
