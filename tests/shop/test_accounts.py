"""Accounts through allauth: password reset, change of email, rate limits."""

import re

import pytest
from django.core import mail

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
    UserFactory(email="mixed@example.com")
    response = client.post(
        "/en/account/login/",
        {"login": "MIXED@Example.com", "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 302
