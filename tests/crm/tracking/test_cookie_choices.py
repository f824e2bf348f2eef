"""The cookie banner and settings: a plain form post that remembers the choice, never an open
redirect; withdrawing analytics stops tracking at once and deletes the browser's rows; the
banner is a visitor part, so a cached catalog page stays one entry for every visitor."""

import pytest
from django.test import Client

from crm.models import TrackingEvent
from crm.tracking.cookies import CONSENT_COOKIE, VISITOR_COOKIE
from tests.factories import UserFactory, listed_product

from .helpers import VISITOR, beacon, browser, token

pytestmark = pytest.mark.django_db
BANNER = 'id="cookie-banner"'
SCRIPT = "js/track.js"


def _choose(client: Client, next_url: str = "/en/", **fields: str):
    return client.post(
        "/en/cookie-settings/", {"csrfmiddlewaretoken": token(client), "next": next_url, **fields}
    )


def test_accept_all_remembers_the_choice_for_a_year_and_gives_a_visitor_id():
    client = browser(consent=None, visitor=None)
    assert BANNER in client.get("/en/legal/terms/").text
    response = _choose(client, "/en/legal/terms/", choice="all")
    assert response.status_code == 302
    assert response["Location"] == "/en/legal/terms/"
    consent = response.cookies[CONSENT_COOKIE]
    assert consent.value == "1.1.1"
    assert consent["max-age"] == 365 * 24 * 3600
    assert consent["samesite"] == "Lax"
    assert len(response.cookies[VISITOR_COOKIE].value) == 32
    page = client.get("/en/legal/terms/").text
    assert BANNER not in page
    assert SCRIPT in page


def test_reject_all_and_a_chosen_mix():
    client = browser(consent=None, visitor=None)
    response = _choose(client, choice="none")
    assert response.cookies[CONSENT_COOKIE].value == "1.0.0"
    assert response.cookies[VISITOR_COOKIE].value == ""  # deleted (expired)
    page = client.get("/en/legal/terms/").text
    assert BANNER not in page and SCRIPT not in page
    response = _choose(client, choice="chosen", marketing="on")
    assert response.cookies[CONSENT_COOKIE].value == "1.0.1"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_the_choice_never_redirects_to_another_site(target):
    response = _choose(browser(consent=None, visitor=None), target, choice="all")
    assert response.status_code == 302
    assert response["Location"] == "/en/cookie-settings/"


def test_a_bad_choice_changes_nothing():
    response = _choose(browser(consent=None, visitor=None), choice="maybe")
    assert response.status_code == 302
    assert CONSENT_COOKIE not in response.cookies


def test_the_choice_needs_a_csrf_token():
    client = browser(consent=None, visitor=None)
    assert client.post("/en/cookie-settings/", {"choice": "all"}).status_code == 403


def test_withdrawing_stops_tracking_at_once_and_deletes_the_browsers_and_accounts_rows():
    user = UserFactory()
    client = browser()
    beacon(client, kind="page_view", path="/en/")
    client.force_login(user)
    beacon(client, kind="page_view", path="/en/products/")
    other = browser(visitor="e" * 32)
    beacon(other, kind="page_view", path="/en/")
    TrackingEvent.objects.create(visitor_id="d" * 32, user=user, kind="page_view", path="/tr/")
    assert TrackingEvent.objects.count() == 4

    page = client.get("/en/cookie-settings/").text
    assert 'id="settings-analytics" name="analytics" value="on" checked' in page
    response = _choose(client, "/en/cookie-settings/", choice="chosen", marketing="on")
    assert response.cookies[VISITOR_COOKIE].value == ""
    # Only the other browser's row stays: this one's and the account's (from any browser) went.
    assert list(TrackingEvent.objects.values_list("visitor_id", flat=True)) == ["e" * 32]
    assert SCRIPT not in client.get("/en/legal/terms/").text
    client.cookies[VISITOR_COOKIE] = VISITOR  # a stale id cookie is not enough
    assert beacon(client, kind="page_view", path="/en/").status_code == 204
    assert TrackingEvent.objects.count() == 1
    assert "Now: necessary and marketing cookies." in client.get("/en/cookie-settings/").text


def test_the_footer_links_to_the_settings_page_in_both_languages():
    assert 'href="/cookie-settings/"' in Client().get("/legal/terms/").text
    page = Client().get("/cookie-settings/").text
    assert "Çerez ayarları" in page
    assert BANNER not in page  # the page itself is the choice


@pytest.mark.pagecache
def test_the_banner_is_a_visitor_part_of_one_shared_cached_page(django_assert_num_queries):
    product = listed_product()
    url = f"/en/p/{product.slug_en}/"
    assert Client().get(url)["X-Page-Cache"] == "miss"
    undecided = browser(consent=None, visitor=None)
    consenting = browser()
    rejecting = browser(consent="1.0.0", visitor=None)
    with django_assert_num_queries(0):
        pages = [visitor.get(url) for visitor in (undecided, consenting, rejecting)]
    assert [page["X-Page-Cache"] for page in pages] == ["hit", "hit", "hit"]
    assert [BANNER in page.text for page in pages] == [True, False, False]
    assert [SCRIPT in page.text for page in pages] == [False, True, False]
    assert f'data-track-product="{product.pk}"' in pages[0].text  # in the shared markup
    assert f'data-track-product="{product.pk}"' in pages[1].text
    # The banner's form takes its visitor's own token and returns to the page.
    assert 'name="next" value="/en/p/' in pages[0].text
    assert "__dk_cookie_banner" not in pages[0].text + pages[1].text
    # The tracking script's token is this visitor's and is accepted by the endpoint.
    script_token = pages[1].text.split('data-csrf="')[1].split('"')[0]
    answer = consenting.post(
        "/en/tracking/event/",
        {"csrfmiddlewaretoken": script_token, "kind": "product_view", "product": product.pk},
    )
    assert answer.status_code == 204
    assert TrackingEvent.objects.get().product_id == product.pk
    assert TrackingEvent.objects.get().visitor_id == VISITOR


def test_the_settings_page_runs_few_queries(django_assert_max_num_queries):
    user = UserFactory()
    client = browser()
    client.force_login(user)
    client.get("/en/cookie-settings/")  # a worker's first page keeps the menu and the header
    with django_assert_max_num_queries(1):  # the signed-in user
        assert client.get("/en/cookie-settings/").status_code == 200
    with django_assert_max_num_queries(0):  # cookies only
        assert browser(consent=None, visitor=None).get("/en/cookie-settings/").status_code == 200
