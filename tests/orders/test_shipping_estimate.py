"""Shipping before the address: the product page and the cart show shipping to the shopper's
province (chosen once, kept in the session), "from" the cheapest rate until then, and what the
basket lacks for free shipping; a province that does not exist changes nothing."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from catalog import services as catalog_services
from orders.cart_session import PROVINCE_SESSION_KEY
from orders.models import Address, Carrier, ShippingMethod, ShippingRate, ShippingRegion
from orders.selectors import shipping_methods
from orders.shipping import estimate
from shop import pagecache
from tests.factories import ProductFactory, UserFactory, VariantFactory

pytestmark = pytest.mark.django_db

# The chooser's address in English, as the English pages' forms post to it (Turkish: unprefixed).
CHOOSE = "/en/shipping/province/"


@pytest.fixture
def rates() -> ShippingMethod:
    """Standard: Turkey 49.90 (≤ 2 kg) / 89.90 (≤ 10 kg), the east (Van, Kars) 69.90 / 119.90,
    Istanbul 39.90 up to 2 kg; free from 750. Express: Turkey 99.90, never free."""
    carrier = Carrier.objects.create(name="Yurtiçi")
    standard = ShippingMethod.objects.create(
        carrier=carrier, name_tr="Standart", name_en="Standard", free_above=Decimal("750.00")
    )
    express = ShippingMethod.objects.create(
        carrier=carrier, name_tr="Hızlı", name_en="Express", position=1
    )
    turkey = ShippingRegion.objects.create(name="Türkiye", countries="TR")
    east = ShippingRegion.objects.create(name="Doğu", countries="TR", provinces="Van\nKars")
    istanbul = ShippingRegion.objects.create(name="İstanbul", countries="TR", provinces="İstanbul")
    for region, light, heavy in [(turkey, "49.90", "89.90"), (east, "69.90", "119.90")]:
        ShippingRate.objects.create(
            method=standard, region=region, max_weight_grams=2000, price=Decimal(light)
        )
        ShippingRate.objects.create(
            method=standard, region=region, max_weight_grams=10000, price=Decimal(heavy)
        )
    ShippingRate.objects.create(
        method=standard, region=istanbul, max_weight_grams=2000, price=Decimal("39.90")
    )
    ShippingRate.objects.create(
        method=express, region=turkey, max_weight_grams=10000, price=Decimal("99.90")
    )
    return standard


def _product(*, price: str = "100.00", weight: int = 500, kind: str = "physical"):
    variant = VariantFactory(
        product=ProductFactory(kind=kind), price=Decimal(price), on_hand=20, weight_grams=weight
    )
    catalog_services.product_refresh_listing(product_id=variant.product_id)
    variant.product.refresh_from_db()
    return variant


def _page(variant, language: str = "en") -> str:
    with translation.override(language):
        return variant.product.get_absolute_url()


def _estimate(province: str = "", weight: int = 500, basket: str = "100.00", **kwargs):
    return estimate(
        methods=shipping_methods(),
        province=province,
        weight_grams=weight,
        basket_total=Decimal(basket),
        **kwargs,
    )


def _line(html: str) -> str:
    """The shipping line as a shopper reads it (tags and runs of spaces gone)."""
    import re

    found = re.search(r'<p class="shipping-line">(.*?)</p>', html, re.S)
    assert found, "no shipping line on the page"
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split())


# --- The estimate itself (pure, over the methods as the shop reads them) -------------------------


def test_without_a_province_the_cheapest_rate_anywhere_is_the_from_price(rates):
    found = _estimate()
    assert (found.province, found.price) == ("", Decimal("39.90"))  # Istanbul's own rate
    assert (found.free_above, found.short_of_free) == (Decimal("750.00"), Decimal("650.00"))
    # Heavier than Istanbul's only band: the country's 2-10 kg band is the cheapest there is.
    assert _estimate(weight=5000).price == Decimal("89.90")


def test_a_region_of_provinces_beats_the_country_rate_either_way(rates):
    assert _estimate("Van").price == Decimal("69.90")  # dearer than Turkey's 49.90
    assert _estimate("İstanbul").price == Decimal("39.90")  # cheaper than Turkey's 49.90
    assert _estimate("Ankara").price == Decimal("49.90")  # no region of its own
    assert _estimate("Ankara", weight=20000).delivers is False  # too heavy for every method


def test_the_threshold_left_and_reached(rates):
    short = _estimate("Ankara", basket="630.00")
    assert (short.price, short.short_of_free) == (Decimal("49.90"), Decimal("120.00"))
    reached = _estimate("Ankara", basket="750.00")
    assert reached.free and reached.free_above is None and reached.short_of_free == 0
    coupon = _estimate("Van", free_shipping=True)
    assert coupon.free and coupon.free_above is None


def test_a_method_that_does_not_deliver_there_offers_no_threshold(rates):
    ShippingMethod.objects.filter(pk=rates.pk).update(is_active=False)
    found = _estimate("Ankara")
    assert (found.price, found.free_above) == (Decimal("99.90"), None)  # express: never free


# --- The product page -----------------------------------------------------------------------------


def test_a_new_visitor_sees_the_from_price_and_the_threshold(client, rates):
    variant = _product()
    page = client.get(_page(variant)).text
    assert _line(page) == "Shipping from ₺39.90 (free above ₺750.00)"
    assert '<label for="shipping-province">Your province</label>' in page
    with translation.override("tr"):
        page = client.get(_page(variant, "tr")).text
    assert _line(page) == "En uygun kargo: ₺39,90 (₺750,00 üzeri ücretsiz)"


def test_a_chosen_province_is_shown_and_remembered_on_the_next_page(client, rates):
    variant, other = _product(), _product(price="800.00", weight=5000)
    page = _page(variant)
    response = client.post(CHOOSE, {"province": "Van", "next": page})
    assert response.status_code == 302 and response["Location"] == page
    assert client.session[PROVINCE_SESSION_KEY] == "Van"
    assert _line(client.get(page).text) == "Shipping to Van: ₺69.90 (free above ₺750.00)"
    # Another product, another page: the same province, its own weight and price.
    assert _line(client.get(_page(other)).text) == "Free shipping to Van"
    with translation.override("tr"):
        turkish = client.get(_page(variant, "tr")).text
    assert _line(turkish) == "Van için kargo: ₺69,90 (₺750,00 üzeri ücretsiz)"
    assert "<option selected>Van</option>" in turkish


def test_the_page_quotes_the_weight_of_the_variant_shown(client, rates):
    heavy, too_heavy = _product(weight=5000), _product(weight=25000)
    assert _line(client.get(_page(heavy)).text) == "Shipping from ₺89.90 (free above ₺750.00)"
    assert 'class="shipping-estimate"' in client.get(_page(too_heavy)).text
    assert 'class="shipping-line"' not in client.get(_page(too_heavy)).text  # no "from" at all
    client.post(CHOOSE, {"province": "Van", "next": "/"})
    # Standard's east band (119.90) loses to Express (99.90); Standard still sets the threshold.
    assert _line(client.get(_page(heavy)).text) == "Shipping to Van: ₺99.90 (free above ₺750.00)"
    assert _line(client.get(_page(too_heavy)).text) == "We cannot ship this to Van yet."
    with translation.override("tr"):
        turkish = client.get(_page(too_heavy, "tr")).text
    assert _line(turkish) == "Bunu henüz Van iline gönderemiyoruz."


def test_any_spelling_of_a_province_is_taken_as_the_province(client, rates):
    client.post(CHOOSE, {"province": " istanbul ", "next": "/"})
    assert client.session[PROVINCE_SESSION_KEY] == "İstanbul"


@pytest.mark.parametrize("given", ["Atlantis", "", "İstanbul" * 20])
def test_a_province_that_does_not_exist_is_refused_and_changes_nothing(client, rates, given):
    variant = _product()
    page = _page(variant)
    client.post(CHOOSE, {"province": "Kars", "next": page})
    response = client.post(CHOOSE, {"province": given, "next": page}, follow=True)
    assert response.redirect_chain == [(page, 302)]
    assert client.session[PROVINCE_SESSION_KEY] == "Kars"
    text = response.text
    if given:
        assert f"There is no province called “{given[:60]}”. Choose one from the list." in text
    else:
        assert "Choose a province of Turkey." in text
    assert _line(text) == "Shipping to Kars: ₺69.90 (free above ₺750.00)"


def test_a_refused_province_in_turkish_and_without_a_session_creates_none(rates):
    visitor = Client()
    with translation.override("tr"):
        response = visitor.post(
            "/shipping/province/", {"province": "Atlantis", "next": "/"}, follow=True
        )
    assert "“Atlantis” adında bir il yok. Listeden birini seçin." in response.text
    assert PROVINCE_SESSION_KEY not in visitor.session


def test_the_chooser_only_goes_back_to_a_page_of_this_shop(client, rates):
    for elsewhere in ["https://evil.example/", "//evil.example/p/", "javascript:alert(1)"]:
        response = client.post(CHOOSE, {"province": "Van", "next": elsewhere})
        assert response["Location"] == reverse("orders:cart")
    response = client.post(
        CHOOSE, {"province": "Van"}, headers={"referer": "http://testserver/en/products/"}
    )
    assert response["Location"] == "http://testserver/en/products/"
    response = client.post(CHOOSE, {"province": "Van", "next": "/en/\r\nSet-Cookie: a=b"})
    assert response.status_code == 302 and "\n" not in response["Location"]
    assert "a" not in response.cookies


def test_with_htmx_the_chooser_comes_back_to_its_page_and_an_error_reloads_it(client, rates):
    variant = _product()
    page = _page(variant)
    htmx = {"HX-Request": "true"}
    response = client.post(CHOOSE, {"province": "Van", "next": page}, headers=htmx)
    assert response.status_code == 302 and response["Location"] == page  # htmx follows it
    swapped = client.get(page, headers=htmx).text
    assert 'hx-select="#shipping-estimate"' in swapped
    assert _line(swapped) == "Shipping to Van: ₺69.90 (free above ₺750.00)"
    response = client.post(CHOOSE, {"province": "Mars", "next": page}, headers=htmx)
    assert response["HX-Redirect"] == page
    assert client.session[PROVINCE_SESSION_KEY] == "Van"


def test_the_chooser_takes_only_posts(client, rates):
    assert client.get(CHOOSE + "?province=Van").status_code == 405
    assert PROVINCE_SESSION_KEY not in client.session


def test_a_digital_product_says_nothing_about_shipping(client, rates):
    ebook = _product(kind="digital")
    client.post(CHOOSE, {"province": "Van", "next": "/"})
    page = client.get(_page(ebook)).text
    assert 'class="shipping-estimate"' not in page and "Shipping" not in page


def test_without_any_shipping_method_the_page_offers_no_estimate(client):
    page = client.get(_page(_product())).text
    assert 'class="shipping-line"' not in page and 'id="shipping-province"' not in page


def test_a_signed_in_customer_starts_from_their_default_delivery_province(client, rates):
    customer = UserFactory(verified=True)
    Address.objects.create(
        user=customer, full_name="Ayşe Yılmaz", phone="+905321234567", province="Kars",
        district="Merkez", street="Atatürk Cad. 1", is_default_shipping=True,
    )  # fmt: skip
    client.force_login(customer)
    assert _line(client.get(_page(_product())).text).startswith("Shipping to Kars: ₺69.90")
    # A province chosen before signing in stays the shopper's choice.
    other = Client()
    other.post(CHOOSE, {"province": "Ankara", "next": "/"})
    other.force_login(customer)
    assert other.session[PROVINCE_SESSION_KEY] == "Ankara"


# --- The cached product page ---------------------------------------------------------------------


@pytest.mark.pagecache
def test_visitors_with_different_provinces_never_see_each_others_line(rates):
    variant = _product()
    page = _page(variant)
    van, ankara, newcomer = Client(), Client(), Client()
    van.post(CHOOSE, {"province": "Van", "next": page})
    ankara.post(CHOOSE, {"province": "Ankara", "next": page})
    first = van.get(page)
    assert first["X-Page-Cache"] == "miss"
    assert _line(first.text) == "Shipping to Van: ₺69.90 (free above ₺750.00)"
    for visitor, line in [
        (ankara, "Shipping to Ankara: ₺49.90 (free above ₺750.00)"),
        (newcomer, "Shipping from ₺39.90 (free above ₺750.00)"),
        (van, "Shipping to Van: ₺69.90 (free above ₺750.00)"),
    ]:
        response = visitor.get(page)
        assert response["X-Page-Cache"] == "hit"
        assert _line(response.text) == line
        assert "__dk" not in response.text


@pytest.mark.pagecache
def test_a_staff_change_to_a_rate_reaches_the_cached_page_at_once(client, rates):
    variant = _product()
    page = _page(variant)
    client.post(CHOOSE, {"province": "Ankara", "next": page})
    client.get(page)
    rate = ShippingRate.objects.get(method=rates, region__name="Türkiye", max_weight_grams=2000)
    rate.price = Decimal("44.90")
    rate.save()
    response = client.get(page)
    assert response["X-Page-Cache"] == "hit"  # the page itself did not change: its part did
    assert _line(response.text) == "Shipping to Ankara: ₺44.90 (free above ₺750.00)"
    rates.free_above = Decimal("500.00")
    rates.save()
    assert _line(client.get(page).text) == "Shipping to Ankara: ₺44.90 (free above ₺500.00)"
    ShippingRegion.objects.filter(name="İstanbul").delete()  # queryset deletes send signals too
    assert _line(Client().get(page).text) == "Shipping from ₺44.90 (free above ₺500.00)"
    carrier = rates.carrier
    carrier.is_active = False
    carrier.save()
    assert 'class="shipping-line"' not in Client().get(page).text  # nobody ships: no estimate


@pytest.mark.pagecache
def test_product_page_queries_with_a_province_hit_miss_and_signed_in(
    client, rates, django_assert_num_queries, django_assert_max_num_queries
):
    variant = _product()
    page = _page(variant)
    client.post(CHOOSE, {"province": "Van", "next": page})
    Client().get(page)  # the methods are read once per worker and shipping version
    pagecache.bump(pagecache.CATALOG)
    with django_assert_max_num_queries(PRODUCT_PAGE_MISS):
        miss = client.get(page)
    assert miss["X-Page-Cache"] == "miss" and "Shipping to Van" in miss.text
    with django_assert_num_queries(0):
        hit = client.get(page)
    assert hit["X-Page-Cache"] == "hit" and "Shipping to Van" in hit.text
    customer = UserFactory(verified=True)
    client.force_login(customer)
    client.post(CHOOSE, {"province": "Kars", "next": page})
    client.get(page)
    with django_assert_max_num_queries(SIGNED_IN_PRODUCT_PAGE):
        signed_in = client.get(page)
    assert "Shipping to Kars" in signed_in.text


# The product page's own reads after a catalog change (the product, variants, their attribute
# values, images, related products, its published questions and answers, "customers who bought
# this also bought"), and a signed-in visitor's user; the estimate adds none: the methods are
# kept per worker and shipping version, the province is in the session.
PRODUCT_PAGE_MISS = 8
SIGNED_IN_PRODUCT_PAGE = 1


# --- The cart ------------------------------------------------------------------------------------


def _add(client: Client, variant, quantity: int = 1) -> None:
    client.post(reverse("orders:cart_add"), {"variant": variant.pk, "quantity": quantity})


def _cart(client: Client, language: str = "en") -> str:
    with translation.override(language):
        return client.get(reverse("orders:cart")).text


def test_the_cart_shows_the_from_price_then_the_province_and_what_is_left_for_free(client, rates):
    _add(client, _product(price="315.00"), 2)
    assert _line(_cart(client)) == "Shipping from ₺39.90 Add ₺120.00 for free shipping."
    client.post(CHOOSE, {"province": "Van", "next": reverse("orders:cart")})
    assert _line(_cart(client)) == "Shipping to Van: ₺69.90 Add ₺120.00 for free shipping."
    assert _line(_cart(client, "tr")) == (
        "Van için kargo: ₺69,90 Ücretsiz kargo için ₺120,00 daha ekleyin."
    )
    _add(client, _product(price="120.00"))
    assert _line(_cart(client)) == "Free shipping to Van"
    assert _line(_cart(client, "tr")) == "Van için kargo ücretsiz"


def test_a_cart_of_downloads_says_nothing_about_shipping(client, rates):
    _add(client, _product(kind="digital"))
    page = _cart(client)
    assert 'class="shipping-estimate"' not in page and "Go to checkout" in page


def test_a_free_shipping_coupon_makes_the_cart_estimate_free(client, rates):
    from orders.models import Coupon

    Coupon.objects.create(code="KARGO", kind="free_shipping", value=0)
    _add(client, _product())
    client.post(reverse("orders:cart_coupon"), {"code": "KARGO"})
    client.post(CHOOSE, {"province": "Van", "next": "/"})
    assert _line(_cart(client)) == "Free shipping to Van"


@pytest.mark.parametrize("lines", [1, 5])
def test_cart_queries_do_not_grow_with_the_estimate(
    client, rates, django_assert_num_queries, lines
):
    for _ in range(lines):
        _add(client, _product(price="10.00"))
    client.post(CHOOSE, {"province": "Van", "next": "/"})
    _cart(client)
    # A guest's cart with its lines, in one query: the estimate reads the quote's totals, the
    # methods kept per worker and the province in the session.
    with django_assert_num_queries(1):
        assert "Shipping to Van" in _cart(client)
    customer = UserFactory(verified=True)
    client.force_login(customer)
    for _ in range(lines):
        _add(client, _product(price="10.00"))
    _cart(client)
    # The session's user and the cart with its lines; the loyalty tiers only because a price
    # could be made free by them (no tier exists here: one query).
    with django_assert_num_queries(3):
        assert "Shipping to Van" in _cart(client)


# --- The page cache's visitor parts with the page's own values -----------------------------------


def test_a_visitor_part_carries_only_values_a_marker_can_hold():
    assert pagecache.part_name("shipping_estimate", 500, Decimal("349.90")) == (
        "shipping_estimate:500:349.90"
    )
    marker = pagecache.marker(pagecache.part_name("shipping_estimate", 500, "1.00"))
    assert pagecache.split_text(f"a{marker}b") == ("a", "shipping_estimate:500:1.00", "b")
    for bad in ["a_b", "a:b", "a b", "<b>"]:
        with pytest.raises(ValueError):
            pagecache.part_name("shipping_estimate", bad)


def test_a_part_with_wrong_values_renders_nothing(rf, rates):
    from django.contrib.sessions.backends.cache import SessionStore

    request = rf.get("/")
    request.session = SessionStore()
    for values in [("x", "1"), ("500", "NaN"), ("-1", "10"), ("500", "-2")]:
        assert pagecache.render_visitor_part(request, "shipping_estimate:" + ":".join(values)) == ""
    assert pagecache.render_visitor_part(request, "nobody_registered:1") == ""
    assert "Shipping from" in pagecache.render_visitor_part(request, "shipping_estimate:500:10")
