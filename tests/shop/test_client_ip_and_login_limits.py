"""Login limits keyed by the account and the real client address: the admin login is limited
like the customer's, the Host header opens nothing, and clients behind our proxy are apart."""

import pytest
from django.test import Client

from crm.notifications.models import Channel, Consent
from tests.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed login attempts"


def _login(client: Client, email: str, password: str, **extra: str):
    return client.post("/en/account/login/", {"login": email, "password": password}, **extra)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_admin_login_goes_through_the_limited_login(client, prefix):
    response = client.get(f"{prefix}/admin/login/?next={prefix}/admin/")
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]
    # A password posted straight at the admin's own form is never checked there.
    staff = StaffFactory(verified=True)
    direct = client.post(
        f"{prefix}/admin/login/", {"username": staff.email, "password": DEFAULT_PASSWORD}
    )
    assert direct.status_code == 302
    assert "_auth_user_id" not in client.session


def test_admin_login_locks_after_the_configured_failures(client):
    staff = StaffFactory(verified=True, email="boss@example.com")
    login_page = client.get("/en/admin/login/?next=/en/admin/", follow=True)
    login_url = login_page.redirect_chain[-1][0]
    for attempt in range(5):  # allauth's default: 5 failures per account in 5 minutes
        response = client.post(login_url, {"login": staff.email, "password": f"wrong-{attempt}"})
        assert LOCKED not in response.text
    response = client.post(login_url, {"login": staff.email, "password": DEFAULT_PASSWORD})
    assert LOCKED in response.text
    assert client.get("/en/admin/").status_code == 302  # still not in

    # The same account through the Turkish (unprefixed) admin meets the same lock.
    fresh = Client()
    turkish_login = fresh.get("/admin/login/?next=/admin/", follow=True).redirect_chain[-1][0]
    response = fresh.post(turkish_login, {"login": staff.email, "password": DEFAULT_PASSWORD})
    assert "Çok fazla hatalı giriş yapıldı" in response.text
    assert fresh.get("/admin/").status_code == 302


def test_staff_signs_in_to_the_admin_through_the_shop_login(client):
    staff = StaffFactory(verified=True, email="desk@example.com")
    response = client.post(
        "/en/account/login/?next=/en/admin/",
        {"login": staff.email, "password": DEFAULT_PASSWORD, "next": "/en/admin/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/admin/"
    assert "Shop administration" in client.get("/en/admin/").text


@pytest.mark.parametrize("host", ["127.0.0.1:2", "localhost", "[::1]:8000"])
def test_a_changed_host_header_or_port_does_not_open_a_locked_account(client, host):
    user = UserFactory(verified=True, email="target@example.com")
    for attempt in range(5):
        _login(client, user.email, f"wrong-{attempt}")
    response = _login(Client(), user.email, DEFAULT_PASSWORD, headers={"host": host})
    assert response.status_code == 200
    assert LOCKED in response.text


def test_two_clients_behind_one_trusted_proxy_are_limited_separately(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    attacker = Client(HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    # Ten failures on ten different accounts from one address lock that address (10/m/ip).
    for n in range(10):
        _login(attacker, f"nobody{n}@example.com", "wrong")
    user = UserFactory(verified=True, email="own@example.com")
    assert LOCKED in _login(attacker, user.email, DEFAULT_PASSWORD).text

    neighbour = Client(HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
    response = _login(neighbour, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 302  # the other visitor behind the same proxy logs in


def test_forwarded_for_from_an_untrusted_peer_is_ignored(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    for n in range(10):  # a new made-up address each time does not escape the limit
        spoofer = Client(HTTP_X_FORWARDED_FOR=f"192.0.2.{n}", REMOTE_ADDR="198.51.100.50")
        _login(spoofer, f"nobody{n}@example.com", "wrong")
    user = UserFactory(verified=True)
    spoofer = Client(HTTP_X_FORWARDED_FOR="192.0.2.200", REMOTE_ADDR="198.51.100.50")
    assert LOCKED in _login(spoofer, user.email, DEFAULT_PASSWORD).text


def test_consent_records_the_client_address_our_proxy_saw(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # The client wrote the first entry itself; our proxy appended the address it really saw.
    client = Client(HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.77", REMOTE_ADDR="10.0.0.5")
    client.force_login(UserFactory())
    client.post("/en/account/messages/", {"email_marketing": "on"})
    consent = Consent.objects.get(channel=Channel.EMAIL)
    assert consent.ip_address == "203.0.113.77"
