"""A customer edits name, phone, language and time zone under /account/."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get("/en/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/account/login/")


def test_customer_edits_profile_and_phone_is_stored_in_international_form(client):
    user = UserFactory(phone="", language="tr")
    client.force_login(user)
    response = client.post(
        "/en/account/",
        {
            "first_name": "Zeynep",
            "last_name": "Kaya",
            "phone": "0532 765 43 21",
            "language": "en",
            "time_zone": "Europe/Berlin",
        },
        follow=True,
    )
    assert "Your profile has been saved." in response.text
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Zeynep", "Kaya")
    assert user.phone == "+905327654321"
    assert user.language == "en"
    assert user.time_zone == "Europe/Berlin"


def test_invalid_phone_gets_a_clear_message_and_changes_nothing(client):
    user = UserFactory(first_name="Ayşe", phone="+905321234567")
    client.force_login(user)
    response = client.post(
        "/en/account/",
        {
            "first_name": "Changed",
            "last_name": "Name",
            "phone": "12345",
            "language": "tr",
            "time_zone": "Europe/Istanbul",
        },
    )
    assert response.status_code == 200
    assert "Enter a valid mobile phone number" in response.text
    user.refresh_from_db()
    assert user.first_name == "Ayşe"
    assert user.phone == "+905321234567"


def test_unknown_time_zone_is_refused(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/en/account/",
        {
            "first_name": "A",
            "last_name": "B",
            "phone": "",
            "language": "tr",
            "time_zone": "Mars/Base",
        },
    )
    assert response.status_code == 200
    assert "is not a time zone we know. Choose a city from the list." in response.text
    user.refresh_from_db()
    assert user.time_zone == "Europe/Istanbul"


def test_every_profile_input_has_a_label(client):
    client.force_login(UserFactory())
    html = client.get("/en/account/").text
    for field in ["first_name", "last_name", "phone", "language", "time_zone"]:
        assert f'for="id_{field}"' in html
