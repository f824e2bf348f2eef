"""Pages rendered for a signed-in shopper reuse what each worker keeps (cards, counts and pages,
the filter form, the menu), keyed by what they show and the catalog version: every change to
something they show reaches the shopper's next page, in their language."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from catalog import services
from catalog.models import Attribute, AttributeValue, Category, Product, Review
from tests.factories import ProductFactory, UserFactory, VariantFactory, add_image, make_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper() -> Client:
    client = Client()
    client.force_login(UserFactory(verified=True))
    return client


def _product(**variant_fields) -> tuple[Product, object]:
    variant = VariantFactory(**{"price": Decimal("100.00"), "on_hand": 20, **variant_fields})
    services.product_refresh_listing(product_id=variant.product_id)
    variant.product.refresh_from_db()
    return variant.product, variant


def _card(client: Client, name: str, url: str = "/en/products/") -> str:
    """The product card that shows this name on the page, as the shopper sees it."""
    page = client.get(url)
    assert "X-Page-Cache" not in page  # rendered for the shopper, not served from the page cache
    cards = re.findall(r'<li class="product-card">.*?</li>', page.text, flags=re.S)
    found = [card for card in cards if name in card]
    assert len(found) == 1, f"{name!r} has {len(found)} cards on {url}"
    return found[0]


def test_a_new_price_reaches_the_card_at_once(shopper):
    product, variant = _product()
    assert "₺100.00" in _card(shopper, product.name_en)
    services.variant_set_price(variant=variant, price=Decimal("80.00"))
    card = _card(shopper, product.name_en)
    assert "₺80.00" in card and "₺100.00" not in card


def test_selling_out_and_restocking_flip_the_stock_flag_on_the_card(shopper):
    product, variant = _product(on_hand=2)
    assert "In stock" in _card(shopper, product.name_en)
    services.stock_allocate(lines=[(variant.pk, 2)])
    assert "Out of stock" in _card(shopper, product.name_en)
    services.stock_release(lines=[(variant.pk, 2)])
    assert "In stock" in _card(shopper, product.name_en)


def test_a_new_name_and_a_new_image_reach_the_card(shopper):
    product, _ = _product()
    assert "<img" not in _card(shopper, product.name_en)
    product.name_en = "Brass Desk Lamp"
    product.save()
    add_image(product)
    card = _card(shopper, "Brass Desk Lamp")
    assert 'width="320" height="320"' in card and "srcset=" in card


def test_a_published_review_reaches_the_card(shopper):
    product, _ = _product()
    assert 'class="rating"' not in _card(shopper, product.name_en)
    review = Review.objects.create(
        product=product, user=UserFactory(), rating=4, body="Good", verified_purchase=True
    )
    services.review_moderate(reviews=Review.objects.filter(pk=review.pk), status="approved")
    assert "★ 4.0 (1)" in _card(shopper, product.name_en)


def test_a_sale_badge_and_price_follow_the_clock(shopper):
    now = timezone.now()
    product, variant = _product()
    variant.sale_price = Decimal("60.00")
    variant.sale_starts_at = now + timedelta(hours=1)
    variant.sale_ends_at = now + timedelta(hours=2)
    variant.save()
    services.product_refresh_listing(product_id=product.pk)
    assert "Sale" not in _card(shopper, product.name_en)
    with time_machine.travel(now + timedelta(hours=1, minutes=1), tick=False):
        services.listings_refresh_due()  # the periodic job's work
        card = _card(shopper, product.name_en)
        assert "Sale" in card and "₺60.00" in card
    with time_machine.travel(now + timedelta(hours=2, minutes=1), tick=False):
        services.listings_refresh_due()
        card = _card(shopper, product.name_en)
        assert "Sale" not in card and "₺100.00" in card


def test_each_language_gets_its_own_card(shopper):
    product, _ = _product(on_hand=0)
    english = _card(shopper, product.name_en)
    turkish = _card(shopper, product.name_tr, url="/products/")
    assert "Out of stock" in english and f"/en/p/{product.slug_en}/" in english
    assert "Tükendi" in turkish and f'href="/p/{product.slug_tr}/"' in turkish
    assert "₺100,00" in turkish and "₺100.00" in english


def test_the_count_and_the_pages_follow_new_and_archived_products(shopper):
    first, _ = _product()
    assert "1 product</p>" in shopper.get("/en/products/").text
    second, _ = _product()
    page = shopper.get("/en/products/").text
    assert "2 products</p>" in page and second.name_en in page
    services.product_set_status(products=Product.objects.filter(pk=first.pk), status="archived")
    page = shopper.get("/en/products/").text
    assert "1 product</p>" in page and first.name_en not in page


def test_the_menu_follows_a_renamed_and_a_new_category(shopper):
    product, _ = _product()
    category = Category.objects.get(pk=product.category_id)
    shopper.get("/en/")
    category.name_en = "Lighting and Lamps"
    category.save()
    make_category("Bahçe")
    menu = shopper.get("/en/").text.split('class="category-menu"')[1].split("</nav>")[0]
    assert "Lighting and Lamps" in menu and "Bahçe" in menu


def test_the_filter_form_shows_new_options_and_only_this_shoppers_choices(shopper):
    _product()
    assert "Colour: Red" not in shopper.get("/en/products/").text
    colour = Attribute.objects.create(code="colour", name_en="Colour", name_tr="Renk")
    red = AttributeValue.objects.create(
        attribute=colour, value_en="Red", value_tr="Kırmızı", slug_en="red", slug_tr="kirmizi"
    )
    chosen = shopper.get(f"/en/products/?attr={red.pk}&min_price=5&sort=price_asc").text
    assert f'value="{red.pk}" id="id_attr_0" checked> Colour: Red' in chosen
    assert 'value="5"' in chosen and '<option value="price_asc" selected>' in chosen
    other = Client()
    other.force_login(UserFactory(verified=True))
    plain = other.get("/en/products/").text
    assert f'value="{red.pk}" id="id_attr_0"> Colour: Red' in plain
    assert 'value="5"' not in plain and "selected>" not in plain
    assert "Renk: Kırmızı" in other.get("/products/").text


def test_a_listing_seen_before_costs_only_the_shoppers_own_queries(
    shopper, django_assert_num_queries
):
    for _ in range(30):
        _product()
    for url in ("/en/", "/en/products/", "/en/products/?sort=price_asc&page=2"):
        shopper.get(url)
        with django_assert_num_queries(1):  # the shopper's account; the catalog is kept
            assert shopper.get(url).status_code == 200


def test_products_in_another_shoppers_category_page_are_not_mixed_up(shopper):
    lamps = make_category("Lambalar")
    mugs = make_category("Kupalar")
    lamp = VariantFactory(product=ProductFactory(category=lamps, name_en="Desk Lamp")).product
    mug = VariantFactory(product=ProductFactory(category=mugs, name_en="Tea Mug")).product
    for product in (lamp, mug):
        services.product_refresh_listing(product_id=product.pk)
    lamps_page = shopper.get(f"/en/c/{lamps.slug_en}/").text
    mugs_page = shopper.get(f"/en/c/{mugs.slug_en}/").text
    assert "Desk Lamp" in lamps_page and "Tea Mug" not in lamps_page
    assert "Tea Mug" in mugs_page and "Desk Lamp" not in mugs_page


def test_the_product_page_follows_price_name_and_each_stock_hint(shopper):
    product, variant = _product(on_hand=3)
    url = f"/en/p/{product.slug_en}/"
    assert "Only 3 left" in shopper.get(url).text
    services.stock_allocate(lines=[(variant.pk, 1)])
    assert "Only 2 left" in shopper.get(url).text
    services.variant_set_price(variant=variant, price=Decimal("80.00"))
    product.name_en = "Brass Desk Lamp"
    product.save()
    page = shopper.get(url).text
    assert "₺80.00" in page and "Brass Desk Lamp" in page and "Only 2 left" in page
    services.stock_allocate(lines=[(variant.pk, 2)])
    assert "Out of stock" in shopper.get(url).text
    assert "Tükendi" in shopper.get(f"/p/{product.slug_tr}/").text


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_a_product_page_seen_before_costs_only_the_shoppers_own_query(
    shopper, django_assert_num_queries
):
    product, _ = _product()
    url = f"/en/p/{product.slug_en}/"
    shopper.get(url)
    with django_assert_num_queries(1):  # the shopper's account; the page's parts are kept
        page = shopper.get(url)
    assert product.name_en in page.text and "Buy now" in page.text


def test_kept_page_parts_carry_each_shoppers_own_header_token_and_forms():
    # Two customers and a member of staff see the same kept product page: each gets their own
    # CSRF token in every form (and it works), their own account links and their own search.
    product, variant = _product()
    url = f"/en/p/{product.slug_en}/"
    visitors = []
    for user in (UserFactory(verified=True), UserFactory(verified=True, is_staff=True)):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(user)
        visitors.append((user, browser, browser.get(url)))
    # Log out, buy now, add to cart, language: each form carries a token (one mask a page).
    assert all(len(TOKEN.findall(page.text)) >= 4 for _user, _browser, page in visitors)
    tokens = [set(TOKEN.findall(page.text)) for _user, _browser, page in visitors]
    assert not tokens[0] & tokens[1]
    customer_page, staff_page = (page.text for _user, _browser, page in visitors)
    assert "Buy now" in customer_page and ">Admin</a>" not in customer_page
    assert ">Admin</a>" in staff_page
    _user, browser, _page = visitors[0]
    for token in tokens[0]:
        added = browser.post(
            "/en/cart/add/", {"variant": variant.pk, "quantity": 1, "csrfmiddlewaretoken": token}
        )
        assert added.status_code == 302
    refused = browser.post(  # the other customer's token is no good here
        "/en/cart/add/",
        {"variant": variant.pk, "quantity": 1, "csrfmiddlewaretoken": next(iter(tokens[1]))},
    )
    assert refused.status_code == 403
    assert f'id="cart-count">{len(tokens[0])}<' in browser.get(url).text

    search = browser.get("/en/products/?q=%3Cb%3Ebold%3C%2Fb%3E").text
    assert 'value="&lt;b&gt;bold&lt;/b&gt;"' in search and "<b>bold</b>" not in search
    assert 'name="next" value="/en/products/?q=%3Cb%3Ebold%3C%2Fb%3E"' in search
    assert 'value="lamp"' in browser.get("/en/products/?q=lamp").text
    assert 'name="next" value="/en/p/' in browser.get(url).text


def test_a_published_review_reaches_the_kept_product_page(shopper):
    product, _ = _product()
    url = f"/en/p/{product.slug_en}/"
    assert "No reviews yet." in shopper.get(url).text
    review = Review.objects.create(
        product=product,
        user=UserFactory(first_name="Zeynep"),
        rating=5,
        body="Lovely lamp",
        verified_purchase=True,
    )
    services.review_moderate(reviews=Review.objects.filter(pk=review.pk), status="approved")
    page = shopper.get(url).text
    assert "Lovely lamp" in page and "Zeynep" in page


def test_a_review_leaves_the_page_with_its_authors_account(
    shopper, django_capture_on_commit_callbacks
):
    # Erasing an account deletes its reviews: the average and the kept pages follow at once.
    product, _ = _product()
    url = f"/en/p/{product.slug_en}/"
    author = UserFactory(first_name="Zeynep")
    review = Review.objects.create(
        product=product, user=author, rating=5, body="Lovely lamp", verified_purchase=True
    )
    services.review_moderate(reviews=Review.objects.filter(pk=review.pk), status="approved")
    assert "Lovely lamp" in shopper.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        author.delete()
    page = shopper.get(url).text
    assert "Lovely lamp" not in page and "No reviews yet." in page
    product.refresh_from_db()
    assert product.rating_count == 0
