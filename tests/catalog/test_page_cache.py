"""The anonymous page cache: hits skip rendering, visitors never share a header or a token, and
every change to something a page shows reaches the next anonymous request."""

import re
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
import redis
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from catalog import services
from catalog.models import Category, Variant
from shop import pagecache
from tests.factories import ProductFactory, UserFactory, VariantFactory, add_image, make_category

pytestmark = [pytest.mark.django_db, pytest.mark.pagecache]

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _product(**variant_fields):
    variant = VariantFactory(**{"price": Decimal("100.00"), "on_hand": 20, **variant_fields})
    services.product_refresh_listing(product_id=variant.product_id)
    variant.product.refresh_from_db()
    return variant.product, variant


def _twice(client: Client, url: str):
    """The page as the first visitor made it, then as the cache serves it."""
    first = client.get(url)
    second = client.get(url)
    assert second["X-Page-Cache"] == "hit", url
    return first, second


def test_a_hit_runs_no_query_and_each_visitor_gets_a_token_of_their_own(
    django_assert_num_queries,
):
    product, _ = _product()
    category = f"/en/c/{product.category.slug_en}/"
    urls = ["/en/", "/en/products/", category, f"/en/p/{product.slug_en}/"]
    for url in urls:
        assert Client().get(url)["X-Page-Cache"] == "miss"
    for url in urls:
        one, other = Client(), Client()
        with django_assert_num_queries(0):
            first = one.get(url)
        second = other.get(url)
        assert first["X-Page-Cache"] == second["X-Page-Cache"] == "hit"
        assert product.name_en in first.text
        tokens = set(TOKEN.findall(first.text)), set(TOKEN.findall(second.text))
        assert tokens[0] and tokens[1] and not tokens[0] & tokens[1]
        assert "__dkpc" not in first.text
        assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
        assert "nonce" not in first.text


def test_the_token_a_cached_page_carries_is_accepted_by_the_form_it_posts():
    _, variant = _product()
    url = f"/en/p/{variant.product.slug_en}/"
    Client().get(url)
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(url)
    assert page["X-Page-Cache"] == "hit"
    token = TOKEN.search(page.text)[1]
    response = browser.post(
        "/en/cart/add/", {"variant": variant.pk, "quantity": 1, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_a_guest_with_a_cart_sees_their_own_count_and_a_customer_their_own_header():
    _, variant = _product()
    Client().get("/en/")
    guest = Client()
    guest.post("/en/cart/add/", {"variant": variant.pk, "quantity": 3})
    page = guest.get("/en/")
    assert page["X-Page-Cache"] == "hit"
    assert 'id="cart-count">3</span>' in page.text
    assert "Sign in" in page.text
    assert 'id="cart-count">0</span>' in Client().get("/en/").text

    customer = Client()
    customer.force_login(UserFactory(verified=True))
    mine = customer.get("/en/")
    assert "X-Page-Cache" not in mine  # rendered for them
    assert "My account" in mine.text and "Sign in" not in mine.text
    assert "My account" not in Client().get("/en/").text


def test_a_message_for_one_visitor_is_shown_to_them_only():
    _, variant = _product()
    Client().get(f"/en/p/{variant.product.slug_en}/")
    guest = Client()
    guest.post("/en/cart/add/", {"variant": variant.pk, "quantity": 1}, follow=False)
    shown = guest.get(f"/en/p/{variant.product.slug_en}/").text
    other = Client().get(f"/en/p/{variant.product.slug_en}/").text
    assert 'class="messages"' in shown
    assert 'class="messages"' not in other


def test_unknown_parameters_bypass_the_cache_and_known_ones_are_normalised():
    _product()
    client = Client()
    client.get("/en/products/?sort=price_asc&in_stock=on")
    assert client.get("/en/products/?in_stock=on&sort=price_asc")["X-Page-Cache"] == "hit"
    assert "X-Page-Cache" not in client.get("/en/products/?utm_source=spam")
    assert "X-Page-Cache" not in client.get("/en/products/?q=" + "x" * 200)


def test_a_new_price_shows_at_once(client):
    _, variant = _product()
    _twice(client, "/en/products/")
    services.variant_set_price(variant=variant, price=Decimal("80.00"))
    page = client.get("/en/products/")
    assert "₺80.00" in page.text and "₺100.00" not in page.text


def test_a_new_name_shows_at_once_on_listings_and_the_product_page(client):
    product, _ = _product()
    _twice(client, "/en/products/")
    _twice(client, f"/en/p/{product.slug_en}/")
    product.name_en = "Brass Desk Lamp"
    product.save()
    assert "Brass Desk Lamp" in client.get("/en/products/").text
    assert "Brass Desk Lamp" in client.get(f"/en/p/{product.slug_en}/").text


def test_selling_out_flips_the_listing_and_each_sale_near_the_end_changes_the_hint(client):
    product, variant = _product(on_hand=3)
    url = f"/en/p/{product.slug_en}/"
    _twice(client, url)
    _twice(client, "/en/products/")
    services.stock_allocate(lines=[(variant.pk, 1)])
    assert "Only 2 left" in client.get(url).text
    assert client.get("/en/products/")["X-Page-Cache"] == "hit"  # still in stock: unchanged
    services.stock_allocate(lines=[(variant.pk, 2)])
    assert "Out of stock" in client.get(url).text
    assert "Out of stock" in client.get("/en/products/").text
    services.stock_release(lines=[(variant.pk, 2)])
    assert "Only 2 left" in client.get(url).text
    assert "In stock" in client.get("/en/products/").text


def test_a_stock_count_far_from_the_threshold_keeps_the_cached_pages(client):
    product, variant = _product(on_hand=50)
    url = f"/en/p/{product.slug_en}/"
    _twice(client, url)
    services.stock_allocate(lines=[(variant.pk, 1)])
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_a_new_image_shows_at_once(client):
    product, _ = _product()
    _twice(client, "/en/products/")
    assert "<img" not in client.get("/en/products/").text.split("product-grid")[-1]
    add_image(product)
    page = client.get("/en/products/").text
    assert 'width="320" height="320"' in page and "srcset=" in page


def test_a_renamed_category_shows_at_once_in_the_menu_and_its_page(client):
    product, _ = _product()
    category = Category.objects.get(pk=product.category_id)
    _twice(client, "/en/")
    category.name_en = "Lighting and Lamps"
    category.save()
    assert "Lighting and Lamps" in client.get("/en/").text
    assert "Lighting and Lamps" in client.get(f"/en/c/{category.slug_en}/").text


def test_a_new_category_appears_in_the_menu_without_waiting(client):
    _product()
    _twice(client, "/en/products/")
    make_category("Bahçe")
    assert "Bahçe" in client.get("/en/products/").text


def test_a_scheduled_sale_shows_when_it_starts_and_goes_when_it_ends(client):
    now = timezone.now()
    product, variant = _product()
    variant.sale_price = Decimal("60.00")
    variant.sale_starts_at = now + timedelta(hours=1)
    variant.sale_ends_at = now + timedelta(hours=2)
    variant.save()
    services.product_refresh_listing(product_id=product.pk)
    _twice(client, "/en/")
    assert "₺60.00" not in client.get("/en/").text
    with time_machine.travel(now + timedelta(hours=1, minutes=1), tick=False):
        assert services.listings_refresh_due() == 1  # the periodic job's work
        home = client.get("/en/").text
        assert "On sale" in home and "₺60.00" in home
        assert "₺60.00" in client.get(f"/en/p/{product.slug_en}/").text
    with time_machine.travel(now + timedelta(hours=2, minutes=1), tick=False):
        assert services.listings_refresh_due() == 1
        assert "₺60.00" not in client.get("/en/").text
        assert services.listings_refresh_due() == 0  # nothing left to refresh


def test_archiving_from_the_admin_action_hides_the_product_at_once(client):
    from catalog.models import Product

    product, _ = _product()
    _twice(client, "/en/products/")
    services.product_set_status(products=Product.objects.filter(pk=product.pk), status="archived")
    assert product.name_en not in client.get("/en/products/").text


def test_each_language_has_its_own_page(client):
    product, _ = _product()
    _twice(client, f"/en/p/{product.slug_en}/")
    turkish = client.get(f"/p/{product.slug_tr}/")
    assert "Sepete ekle" in turkish.text
    assert turkish["X-Page-Cache"] == "miss"


def test_the_variant_price_by_sku_is_its_own_page(client):
    product = ProductFactory()
    VariantFactory(product=product, sku="RED", price=Decimal("120.00"))
    blue = VariantFactory(product=product, sku="BLUE", price=Decimal("150.00"))
    services.product_refresh_listing(product_id=product.pk)
    _twice(client, f"/en/p/{product.slug_en}/?variant=RED")
    assert "₺150.00" in client.get(f"/en/p/{product.slug_en}/?variant=BLUE").text
    Variant.objects.get(pk=blue.pk)  # unchanged


# --- Each worker's kept tokens and pages --------------------------------------------------------


def _another_worker_changes_the_name(product, name: str) -> None:
    """What another worker does when a product is renamed: the row, then the catalog's token,
    through a Redis connection of its own, so this process hears of it from Redis only."""
    from django.core.cache import caches

    from catalog.models import Product

    Product.objects.filter(pk=product.pk).update(name_en=name)  # no signal: no bump here
    other = caches.create_connection(pagecache.PAGES_ALIAS)  # its own connection pool
    other.set(f"{pagecache.VERSION_PREFIX}{pagecache.CATALOG}", f"another-{name}", None)
    other.close()


# One line of MONITOR's feed: `<time> [<db> <client>] "<command>" "<first argument>" ...`.
MONITORED = re.compile(r'^\S+ \[(\d+) [^\]]*\] "([^"]*)"(?: "([^"]*)")?')


@pytest.fixture
def reads() -> Iterator[Callable[[], int]]:
    """reads(): the reads (GET and MGET, from anyone) the page cache's Redis has answered in
    the page cache's database since this test began, watched with MONITOR. Only that database
    counts (INFO commandstats would count the whole server: a parallel test run's other workers
    use databases of their own on it, tests/settings.py)."""
    client = redis.Redis.from_url(settings.PAGE_CACHE_URL, socket_timeout=10)
    db = client.connection_pool.connection_kwargs.get("db", 0)
    seen = 0
    with client.monitor() as monitor:

        def count() -> int:
            nonlocal seen
            # Redis runs commands one at a time and feeds them to MONITOR in that order: all
            # that was answered before this marker is on the feed before it.
            marker = f"reads-{uuid.uuid4().hex}"
            client.echo(marker)
            while True:
                line = monitor.connection.read_response()
                if isinstance(line, bytes):
                    line = line.decode("utf-8", "replace")
                found = MONITORED.match(line)
                if not found or int(found[1]) != db:
                    continue
                command = found[2].lower()
                if command == "echo" and found[3] == marker:
                    return seen
                seen += command in ("get", "mget")

        yield count
    client.close()


def test_a_hit_is_served_from_the_worker_without_asking_redis(client, reads):
    product, _ = _product()
    url = f"/en/p/{product.slug_en}/"
    _twice(client, url)
    before = reads()
    page = Client().get(url)
    assert page["X-Page-Cache"] == "hit" and product.name_en in page.text
    assert reads() == before


def test_a_change_another_worker_saves_shows_at_the_next_request_here(client):
    product, _ = _product()
    url = f"/en/p/{product.slug_en}/"
    _twice(client, url)
    _twice(client, "/en/products/")
    _another_worker_changes_the_name(product, "Renamed Elsewhere")
    assert "Renamed Elsewhere" in client.get(url).text
    assert "Renamed Elsewhere" in client.get("/en/products/").text


def test_when_the_worker_stops_hearing_from_redis_it_reads_the_tokens_again(client):
    product, _ = _product()
    url = f"/en/p/{product.slug_en}/"
    _twice(client, url)
    # Redis drops the connection that tells this worker of changes (a restart, a network cut).
    redis.Redis.from_url(settings.PAGE_CACHE_URL).client_kill_filter(
        _id=pagecache.tracker.client_id
    )
    _another_worker_changes_the_name(product, "Renamed Unheard")
    assert "Renamed Unheard" in client.get(url).text
    _another_worker_changes_the_name(product, "Renamed Again")
    assert "Renamed Again" in client.get(url).text


def test_a_worker_that_has_not_heard_from_redis_lately_reads_the_tokens_until_it_has(client, reads):
    from tests.conftest import wait_until

    product, _ = _product()
    url = f"/en/p/{product.slug_en}/"
    _twice(client, url)
    # As after a quiet spell, or a network cut that closed nothing: Redis's last word is old.
    pagecache.tracker._pinged_at -= 60
    pagecache.tracker._answered_at -= 60
    before = reads()
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert reads() > before  # it asked Redis, and sent a PING on its own connection
    assert wait_until(pagecache.tracker.sync)  # the answer came: it may trust its copies again
    before = reads()
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert reads() == before
    # A PING nobody answers counts as a lost connection: the worker connects anew.
    cut = pagecache.tracker.pubsub
    pagecache.tracker._answered_at -= 120
    pagecache.tracker._pinged_at -= 60
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert pagecache.tracker.pubsub not in (None, cut)
