"""Search: Turkish without Turkish letters, typos, relevance, and vectors kept current."""

import pytest
from django.db import connection, transaction

from catalog.models import Product
from catalog.services import product_refresh_listing
from tests.factories import listed_product, make_category

pytestmark = pytest.mark.django_db


def _product(name_tr: str, name_en: str = "", **fields) -> Product:
    return listed_product(name_tr=name_tr, name_en=name_en or name_tr, searchable=True, **fields)


def test_search_without_turkish_letters_finds_the_turkish_name(client):
    _product("Kırmızı Elbise")
    _product("İpek Eşarp")
    _product("Mavi Gömlek")
    page = client.get("/products/?q=kirmizi elbise").text
    assert "Kırmızı Elbise" in page and "Mavi Gömlek" not in page
    assert "“kirmizi elbise” için 1 sonuç" in page
    assert "İpek Eşarp" in client.get("/products/?q=ipek").text
    assert "İpek Eşarp" in client.get("/products/?q=İPEK").text


def test_search_results_are_headed_with_the_words_and_the_count(client):
    _product("Kırmızı Elbise", "Red Dress")
    _product("Kırmızı Kazak", "Red Jumper")
    page = client.get("/en/products/?q=kirmizi").text
    assert "Search results for “kirmizi”" in page
    assert "2 results for “kirmizi”" in page
    assert "All products" not in page.split("<h1>")[1]


def test_a_typo_still_finds_the_product_and_offers_the_right_word(client):
    _product("Akıllı Telefon", "Smart Phone Telefon")
    _product("Kırmızı Elbise", "Red Dress")
    page = client.get("/en/products/?q=telefn").text
    assert "Smart Phone Telefon" in page
    assert "Red Dress" not in page
    assert "Did you mean:" in page and 'href="?q=telefon"' in page


def test_a_search_with_no_close_match_says_so(client):
    _product("Kırmızı Elbise", "Red Dress")
    page = client.get("/en/products/?q=zzzqqq").text
    assert "0 results for “zzzqqq”" in page
    assert "Did you mean" not in page


def test_other_filters_and_sorts_still_apply_to_a_search(client):
    _product("Mavi Lamba", "Blue Lamp")
    _product("Mavi Kupa", "Blue Mug")
    page = client.get("/en/products/?q=mavi&sort=name").text
    assert page.index("Blue Lamp") < page.index("Blue Mug")
    assert 'value="relevance"' in page


@pytest.mark.postgres
def test_relevance_puts_a_name_match_above_a_category_and_a_description_match(client):
    lamps = make_category("Lambalar")
    # Made best match first: the newest-first tie-break alone would list them the other way.
    named = _product("Lamba", "Lamp")
    in_category = _product("Gece Işığı", "Night Light", category=lamps)
    described = _product("Masa Örtüsü", "Table Cloth", description_tr="Lamba altına serilir")
    page = client.get("/en/products/?q=lamba").text
    positions = [page.index(p.name_en) for p in (named, in_category, described)]
    assert positions == sorted(positions)


@pytest.mark.postgres
def test_search_vector_follows_name_category_and_description_changes_after_commit(
    client, django_capture_on_commit_callbacks
):
    product = _product("Ahşap Kutu", "Wooden Box")
    with django_capture_on_commit_callbacks(execute=True):
        product.description_tr = "Çam ağacından el yapımı"
        product.save()
    assert "Wooden Box" in client.get("/en/products/?q=cam agaci").text
    with django_capture_on_commit_callbacks(execute=True):
        category = product.category
        category.name_en = "Storage"
        category.save()
    assert "Wooden Box" in client.get("/en/products/?q=storage").text


@pytest.mark.postgres
def test_listing_and_stock_refreshes_never_rebuild_search_vectors(
    django_capture_on_commit_callbacks,
):
    from catalog.services import stock_allocate

    product = _product("Ahşap Kutu", "Wooden Box")
    variant = product.variants.get()
    with django_capture_on_commit_callbacks() as callbacks:
        stock_allocate(lines=[(variant.pk, 10)])  # sells out: listing fields change
        product_refresh_listing(product_id=product.pk)
    queued = [c for c in callbacks if "search" in getattr(c, "__qualname__", "")]
    assert queued == []


@pytest.mark.postgres
def test_full_text_and_typo_searches_use_their_gin_indexes():
    from django.contrib.postgres.search import SearchQuery

    _product("Akıllı Telefon")
    words = Product.objects.filter(
        search_vector=SearchQuery("telefon:*", search_type="raw", config="simple")
    ).only("pk")
    typos = Product.objects.filter(search_text__trigram_word_similar="telefn").only("pk")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table is otherwise read whole
        assert "catalog_product_search_vector" in words.explain()
        assert "catalog_product_search_trgm" in typos.explain()


@pytest.mark.postgres
def test_the_close_matches_of_a_typo_are_ranked_from_the_trigram_index_only():
    from catalog.selectors import FUZZY_LIMIT, ListingFilters, close_match_ids
    from tests.factories import ProductTypeFactory

    category, product_type = make_category("Kupalar"), ProductTypeFactory()
    Product.objects.bulk_create(
        Product(
            category=category,
            product_type=product_type,
            name_tr=f"Kupa {n}",
            name_en=f"Mug {n}",
            slug_tr=f"kupa-{n}",
            slug_en=f"mug-{n}",
            search_text=f"kupa {n} mug {n} sku-{n}",
            status="active",
        )
        for n in range(2000)
    )
    _product("Akıllı Telefon")
    ranked = close_match_ids(category=None, filters=ListingFilters(q="telefn", sort="relevance"))
    with transaction.atomic(), connection.cursor() as cursor:
        # What autovacuum does after a bulk load: statistics, and the GIN pending list merged.
        cursor.execute("ANALYZE catalog_product")
        cursor.execute("SELECT gin_clean_pending_list('catalog_product_search_trgm')")
        cursor.execute("SET LOCAL enable_seqscan = off")  # a small table is otherwise read whole
        plan = ranked.explain()
    assert "catalog_product_search_trgm" in plan and "Seq Scan" not in plan
    assert f"LIMIT {FUZZY_LIMIT}" in str(ranked.query)
    assert list(ranked) == [Product.objects.get(name_tr="Akıllı Telefon").pk]


@pytest.mark.parametrize("count", [1, 30])
def test_search_page_runs_a_constant_number_of_queries(
    client, count, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE_ENABLED = False
    category = make_category("Lambalar")
    for n in range(count):
        _product(f"Lamba {n}", f"Lamp {n}", category=category)
    client.get("/en/products/?q=lamba")
    with django_assert_max_num_queries(12):
        assert client.get("/en/products/?q=lamba").status_code == 200
    with django_assert_max_num_queries(13):  # one more: the close matches of a typo
        assert client.get("/en/products/?q=lambq").status_code == 200
