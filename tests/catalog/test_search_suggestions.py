"""Suggestions while the visitor types: products and categories, typos too, cheap and cacheable."""

import pytest
from django.test import Client

from tests.factories import listed_product, make_category

pytestmark = pytest.mark.django_db
URL = "/en/products/suggest/"


def _product(name_tr: str, name_en: str, **fields):
    return listed_product(name_tr=name_tr, name_en=name_en, searchable=True, **fields)


@pytest.fixture
def shelf():
    lighting = make_category("Aydınlatma")
    lighting.name_en = "Lighting"
    lighting.save()
    lamp = _product("Kırmızı Lamba", "Red Lamp", category=lighting, slug_en="red-lamp")
    _product("Akıllı Telefon", "Smart Phone Telefon", slug_en="smart-phone")
    return lamp


def _options(html: str) -> int:
    return html.count('role="option"')


def test_words_typed_without_turkish_letters_suggest_the_product(client, shelf):
    html = client.get(URL, {"q": "kirmizi la"}).text
    assert 'href="/en/p/red-lamp/"' in html and "Red Lamp" in html
    assert "Smart Phone" not in html
    assert _options(html) == 1
    assert "1 suggestion, use the up and down arrows to choose" in html


def test_a_typo_still_suggests_the_close_product(client, shelf):
    html = client.get(URL, {"q": "telefn"}).text
    assert 'href="/en/p/smart-phone/"' in html
    assert "Red Lamp" not in html


def test_categories_are_suggested_by_the_start_of_their_names_in_either_language(client, shelf):
    for typed in ("aydin", "light"):
        html = client.get(URL, {"q": typed}).text
        assert "Category:" in html and "Lighting" in html, typed
        assert 'href="/en/c/' in html
    turkish = Client().get("/products/suggest/", {"q": "aydın"}).text
    assert "Kategori:" in turkish and "Aydınlatma" in turkish


@pytest.mark.parametrize(
    "typed",
    ["", "k", "   ", "zzzqqq", "a" * 101, "%", "' OR 1=1 --", "a:* & !b | (", "ı" * 100],
)
def test_odd_or_empty_input_suggests_nothing_and_never_fails(client, shelf, typed):
    response = client.get(URL, {"q": typed})
    assert response.status_code == 200
    assert _options(response.text) == 0


def test_a_null_character_is_refused_without_an_error(client, shelf):
    assert client.get(URL, {"q": "lamba\x00"}).status_code == 400


def test_nothing_found_is_announced(client, shelf):
    assert "No suggestions" in client.get(URL, {"q": "zzzqqq"}).text


def test_every_page_offers_suggestions_on_its_search_box_and_still_searches_without_them(
    client, shelf
):
    page = client.get("/en/").text
    assert 'role="combobox"' in page and 'aria-controls="search-suggestions"' in page
    assert f'hx-get="{URL}"' in page
    assert 'role="status"' in page and "js/search-suggest" in page
    assert 'action="/en/products/"' in page  # without JavaScript the form is a plain search


@pytest.mark.parametrize("count", [1, 30])
def test_suggestions_run_a_constant_number_of_queries(
    client, count, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_ENABLED = False
    lamps = make_category("Lambalar")
    for n in range(count):
        _product(f"Lamba {n}", f"Lamp {n}", category=lamps)
    client.get(URL, {"q": "lambalar"})  # the category names are kept from here on
    with django_assert_num_queries(1):
        html = client.get(URL, {"q": "lamba"}).text
    assert _options(html) == min(count, 6) + 1  # the products and their category
    with django_assert_num_queries(0):  # the same words again: kept until the catalog changes
        assert client.get(URL, {"q": "lamba"}).text == html
    # Nothing matched: two more for the close matches (PostgreSQL ranks their ids with the
    # trigram index, SQLite compares the names in Python), then their rows.
    with django_assert_num_queries(3):
        assert _options(client.get(URL, {"q": "lambq"}).text) == min(count, 6)


def test_kept_suggestions_follow_a_catalog_change(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    lamp = _product("Lamba Bir", "Lamp One")
    assert "Lamp One" in client.get(URL, {"q": "lamp"}).text
    lamp.name_en = "Lantern One"
    lamp.save()
    assert "Lamp One" not in client.get(URL, {"q": "lamp"}).text


@pytest.mark.pagecache
def test_anonymous_suggestions_come_from_the_page_cache_until_the_catalog_changes(shelf):
    assert Client().get(URL, {"q": "kirmizi"})["X-Page-Cache"] == "miss"
    assert Client().get(URL, {"q": "kirmizi"})["X-Page-Cache"] == "hit"
    shelf.refresh_from_db()
    shelf.name_en = "Crimson Lamp"
    shelf.save()
    html = Client().get(URL, {"q": "kirmizi"}).text
    assert "Crimson Lamp" in html


def test_crawlers_are_asked_to_leave_the_suggestions_alone(client):
    robots = client.get("/robots.txt").text
    assert "Disallow: /products/suggest/" in robots and "Disallow: /en/products/suggest/" in robots
