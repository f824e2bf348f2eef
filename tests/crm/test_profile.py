"""The customer's profile: edited on the account pages in both languages, validated, and read
without creating rows."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from crm.models import CustomerProfile
from crm.selectors import profile_get_or_blank
from crm.services import profile_update
from tests.factories import UserFactory, make_category

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def customer(client):
    user = UserFactory(verified=True, language="en")
    client.force_login(user)
    return user


def _form(**changes: object) -> dict:
    data = {
        "birth_date": "1990-05-17",
        "gender": "unsaid",
        "city": "35",
        "interest_tags": "Running,  board games, RUNNING, #coffee",
        "preferred_channel": "email",
    }
    return data | changes


def _snapshot(user) -> tuple | None:
    profile = CustomerProfile.objects.filter(user=user).first()
    if profile is None:
        return None
    categories = sorted(profile.interest_categories.values_list("pk", flat=True))
    return (
        profile.birth_date,
        profile.gender,
        profile.gender_in_offers,
        profile.city,
        profile.interest_tags,
        profile.preferred_channel,
        categories,
    )


def test_reading_a_profile_that_was_never_saved_creates_nothing(customer, client):
    blank = profile_get_or_blank(user=customer)
    assert blank.pk is None
    assert (blank.birth_date, blank.gender, blank.city, blank.interest_tags) == (None, "", "", [])
    page = client.get("/en/account/profile/")
    assert page.status_code == 200
    assert not CustomerProfile.objects.exists()


def test_the_customer_fills_the_profile_in_english(customer, client):
    books = make_category("Kitaplar")
    garden = make_category("Bahçe")
    page = client.get("/en/account/profile/")
    for field in ("birth_date", "city", "interest_tags", "preferred_channel"):
        assert f'<label for="id_{field}">' in page.text
    assert 'type="date"' in page.text
    assert "Prefer not to say" in page.text
    assert "İzmir" in page.text
    assert "csrfmiddlewaretoken" in page.text

    response = client.post("/en/account/profile/", _form(interest_categories=[books.pk, garden.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/en/account/profile/"
    assert _snapshot(customer) == (
        datetime.date(1990, 5, 17),
        "unsaid",
        False,
        "35",
        ["running", "board games", "coffee"],
        "email",
        sorted([books.pk, garden.pk]),
    )
    again = client.get("/en/account/profile/")
    assert "Your profile has been saved." in again.text
    assert 'value="running, board games, coffee"' in again.text
    assert 'value="1990-05-17"' in again.text


def test_the_turkish_page_speaks_turkish_and_lowers_tags_the_turkish_way(client):
    user = UserFactory(language="tr")
    client.force_login(user)
    page = client.get("/account/profile/")
    assert "Profilim" in page.text
    assert "Doğum tarihi" in page.text
    assert "Belirtmek istemiyorum" in page.text
    client.post("/account/profile/", _form(interest_tags="IŞIK, İpek, örgü, ORGU", city="34"))
    profile = CustomerProfile.objects.get(user=user)
    assert profile.interest_tags == ["ışık", "ipek", "örgü"]
    assert profile.get_city_display() == "İstanbul"


@pytest.mark.parametrize(
    ("language", "changes", "message"),
    [
        ("en", {"birth_date": "2027-01-01"}, "Your birth date cannot be in the future."),
        ("en", {"birth_date": "1880-02-03"}, "that date is more than 120 years ago"),
        ("en", {"city": "99"}, "Select a valid choice."),
        (
            "en",
            {"interest_tags": ",".join(f"tag{n}" for n in range(11))},
            "You can keep at most 10 interests; you gave 11.",
        ),
        ("en", {"interest_tags": "x" * 31}, "Keep each interest to 30 characters"),
        ("en", {"gender": "robot"}, "Select a valid choice."),
        ("tr", {"birth_date": "2027-01-01"}, "Doğum tarihiniz gelecekte olamaz."),
        (
            "tr",
            {"interest_tags": ",".join(f"etiket{n}" for n in range(11))},
            "En fazla 10 ilgi alanı yazabilirsiniz; 11 yazdınız.",
        ),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(client, language, changes, message):
    user = UserFactory(language=language)
    client.force_login(user)
    prefix = "/en" if language == "en" else ""
    client.post(f"{prefix}/account/profile/", _form())
    before = _snapshot(user)

    response = client.post(
        f"{prefix}/account/profile/",
        _form(**({"birth_date": "2001-01-01", "preferred_channel": "sms"} | changes)),
    )
    assert response.status_code == 200
    assert message in response.text
    assert 'role="alert"' in response.text
    assert _snapshot(user) == before


def test_bad_input_on_a_first_save_leaves_no_profile_behind(customer, client):
    response = client.post("/en/account/profile/", _form(birth_date="2999-01-01"))
    assert response.status_code == 200
    assert not CustomerProfile.objects.exists()


def test_an_unknown_category_is_refused(customer, client):
    response = client.post("/en/account/profile/", _form(interest_categories=[987654]))
    assert "Select a valid choice." in response.text
    assert not CustomerProfile.objects.exists()


def test_a_cleared_form_empties_the_profile(customer, client):
    books = make_category("Kitaplar")
    client.post("/en/account/profile/", _form(interest_categories=[books.pk]))
    client.post("/en/account/profile/", {"gender": "", "city": "", "preferred_channel": ""})
    assert _snapshot(customer) == (None, "", False, "", [], "", [])


def test_the_page_needs_a_signed_in_customer_and_csrf(client):
    response = client.get("/en/account/profile/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]

    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(UserFactory())
    assert strict.post("/en/account/profile/", _form()).status_code == 403
    assert not CustomerProfile.objects.exists()


def test_the_profile_page_runs_few_queries(customer, client, django_assert_max_num_queries):
    make_category("Kitaplar")
    client.post("/en/account/profile/", _form())
    with django_assert_max_num_queries(5):
        assert client.get("/en/account/profile/").status_code == 200


def test_the_service_changes_only_the_fields_it_is_given_and_validates_them():
    user = UserFactory()
    profile_update(user=user, city="06", interest_tags=["Kitap"])
    profile_update(user=user, preferred_channel="whatsapp")
    profile = CustomerProfile.objects.get(user=user)
    assert (profile.city, profile.interest_tags, profile.preferred_channel) == (
        "06",
        ["kitap"],
        "whatsapp",
    )
    with pytest.raises(ValidationError) as refused:
        profile_update(user=user, city="Atlantis", birth_date=datetime.date(2030, 1, 1))
    assert set(refused.value.message_dict) == {"city", "birth_date"}
    assert CustomerProfile.objects.get(user=user).city == "06"
    with pytest.raises(TypeError):
        profile_update(user=user, language="en")


def test_the_profile_belongs_to_the_user_as_crm_profile():
    user = UserFactory()
    profile_update(user=user, gender="female", gender_in_offers=True)
    with translation.override("en"):
        assert user.crm_profile.get_gender_display() == "Woman"
    assert user.crm_profile.gender_in_offers


def test_the_privacy_notice_says_what_the_profile_keeps_and_why(client):
    english = client.get("/en/legal/privacy/").text
    for words in (
        "What your profile keeps, and why",
        "Birth date:</strong> to send you a birthday greeting",
        "City:</strong> to estimate delivery and show offers for your region",
        "to recommend products you may like",
        "Gender:</strong> optional",
    ):
        assert words in english
    turkish = client.get("/legal/privacy/").text
    for words in (
        "Profilinizde neler saklanır ve neden",
        "doğum gününüzü kutlamak",
        "bölgenize özel kampanyaları",
        "size uygun ürünler önermek",
    ):
        assert words in turkish
