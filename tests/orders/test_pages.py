"""Cart, checkout, confirmation and "My orders" through HTTP, as a shopper uses them."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from crm.notifications.models import Message
from orders.models import (
    Address,
    Coupon,
    Order,
)
from tests.factories import ProductFactory, UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


def physical(price="100.00", on_hand=10):
    return VariantFactory(price=Decimal(price), on_hand=on_hand, weight_grams=500)


def digital(price="50.00"):
    return VariantFactory(product=ProductFactory(kind="digital"), price=Decimal(price), on_hand=0)


def add(client, variant, quantity=1, **extra):
    return client.post(
        reverse("orders:cart_add"), {"variant": variant.pk, "quantity": quantity}, **extra
    )


ADDRESS = {
    "ship-full_name": "Ayşe Yılmaz",
    "ship-phone": "0532 123 45 67",
    "ship-country": "TR",
    "ship-province": "istanbul",
    "ship-district": "Kadıköy",
    "ship-neighbourhood": "Moda",
    "ship-street": "Caferağa Sok. 5/3",
    "ship-postal_code": "34710",
    "ship-billing_type": "individual",
}
BILLING = {k.replace("ship-", "bill-"): v for k, v in ADDRESS.items()}


def checkout_form(client, data: dict | None = None):
    """The hidden token and totals the checkout page carries, as a browser would submit them.

    With `data`, the page as refreshed for those choices (what htmx or the "update" button
    does while the form is filled), so the grand total includes shipping and fees.
    """
    if data is None:
        response = client.get(reverse("orders:checkout"))
    else:
        response = client.post(reverse("orders:checkout"), {**data, "action": "refresh"})
    assert response.status_code == 200
    html = response.content.decode()
    token = html.split('name="token" value="')[1].split('"')[0]
    items = html.split('name="items_total" value="')[1].split('"')[0]
    grand = html.split('name="grand_total" value="')[1].split('"')[0]
    return response, {"token": token, "items_total": items, "grand_total": grand}


def guest_form(method, **overrides) -> dict:
    """A guest's filled-in checkout form: new address, cash on delivery, terms accepted."""
    return {
        "email": "guest@example.com",
        "phone": "0532 123 45 67",
        "shipping_choice": "new",
        "billing_same": "on",
        "billing_choice": "new",
        "shipping_method": method.pk if method else "",
        "payment_method": "cod",
        "accept_terms": "on",
        "action": "place",
        **ADDRESS,
        **overrides,
    }


def place(client, method, **overrides):
    data = guest_form(method, **overrides)
    data = {k: v for k, v in data.items() if v is not None}
    _, hidden = checkout_form(client, data)
    return client.post(reverse("orders:checkout"), {**hidden, **data})


def test_guest_adds_changes_and_removes_items_and_header_count_follows(client):
    variant = physical()
    response = add(client, variant, 2)
    assert response.status_code == 302
    page = client.get(reverse("orders:cart"))
    assert variant.product.name in page.content.decode()
    assert 'id="cart-count">2<' in page.content.decode().replace("\n", "")
    line = page.context["quote"].priced.lines[0].line
    client.post(reverse("orders:cart_line", args=[line.pk]), {"quantity": 3})
    assert client.get(reverse("orders:cart")).context["quote"].priced.item_count == 3
    client.post(reverse("orders:cart_line_remove", args=[line.pk]))
    assert "Your cart is empty" in client.get(reverse("orders:cart")).content.decode()


def test_adding_more_than_in_stock_is_refused_with_a_message(client):
    variant = physical(on_hand=2)
    response = add(client, variant, 3, follow=True)
    assert "Only 2 of" in response.content.decode()
    assert client.get(reverse("orders:cart")).context["quote"].priced.item_count == 0


def test_htmx_update_returns_the_cart_fragment_with_the_new_count(client):
    variant = physical()
    add(client, variant, 1)
    line = client.get(reverse("orders:cart")).context["quote"].priced.lines[0].line
    response = client.post(
        reverse("orders:cart_line", args=[line.pk]), {"quantity": 4}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<div id="cart"' in html and "<html" not in html
    assert 'hx-swap-oob="true"' in html and ">4<" in html


def test_guest_places_a_cash_on_delivery_order(client, shipping):
    add(client, physical("120.00"), 2)
    response = place(client, shipping)
    assert response.status_code == 302, response.content.decode()[:3000]
    order = Order.objects.get()
    assert response["Location"] == reverse("orders:confirmation", args=[order.number])
    assert order.status == "confirmed" and order.payment_status == "cod_due"
    # 240 + 49.90 shipping + 19.90 COD fee
    assert order.total == Decimal("309.80")
    assert order.events.filter(to_status="confirmed").exists()
    page = client.get(response["Location"])
    assert order.number in page.content.decode()
    kinds = set(Message.objects.filter(kind="order_confirmed").values_list("channel", flat=True))
    assert kinds == {"email", "sms"}
    email = Message.objects.get(kind="order_confirmed", channel="email")
    assert "DISTANCE SALES CONTRACT" in email.body_text and "buyer's" in email.body_text
    assert client.get(reverse("orders:cart")).context["quote"] is None


def test_resubmitting_the_same_checkout_leads_to_the_one_order(client, shipping):
    add(client, physical(), 1)
    data = {
        "email": "guest@example.com", "phone": "05321234567", "shipping_choice": "new",
        "billing_same": "on", "shipping_method": shipping.pk, "payment_method": "cod",
        "accept_terms": "on", "action": "place", **ADDRESS,
    }  # fmt: skip
    data.update(checkout_form(client, data)[1])
    first = client.post(reverse("orders:checkout"), data)
    second = client.post(reverse("orders:checkout"), data)
    assert Order.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_digital_cart_skips_shipping_and_offers_no_cash_on_delivery(client):
    add(client, digital(), 1)
    response, _ = checkout_form(client)
    html = response.content.decode()
    assert "Delivery address" not in html
    assert "Cash on delivery is not available for digital products." in html
    assert "No payment method can pay for this cart." not in html
    assert 'value="card"' in html  # a digital product is paid by card


def test_missing_acceptance_and_bad_address_change_nothing(client, shipping):
    variant = physical(on_hand=3)
    add(client, variant, 1)
    response = place(client, shipping, accept_terms=None)
    assert response.status_code == 400
    assert "Please accept the pre-information form" in response.content.decode()
    response = place(client, shipping, **{"ship-postal_code": "12"})
    assert "A Turkish postal code has 5 digits." in response.content.decode()
    variant.refresh_from_db()
    assert Order.objects.count() == 0 and variant.allocated == 0


def test_coupon_on_cart_and_clear_refusals(client):
    Coupon.objects.create(code="YUZDE10", kind="percent", value=Decimal("10"))
    Coupon.objects.create(
        code="BUYUK", kind="fixed", value=Decimal("50"), min_basket=Decimal("500")
    )
    add(client, physical("200.00"), 1)
    refused = client.post(reverse("orders:cart_coupon"), {"code": "buyuk"}, follow=True)
    assert "at least" in refused.content.decode()
    unknown = client.post(reverse("orders:cart_coupon"), {"code": "NOPE"}, follow=True)
    assert "This code is not valid." in unknown.content.decode()
    applied = client.post(reverse("orders:cart_coupon"), {"code": "yuzde10"}, follow=True)
    assert applied.context["quote"].priced.totals.discount == Decimal("20.00")


def test_coupon_attempts_are_rate_limited(client, settings):
    settings.COUPON_ATTEMPTS_PER_HOUR = 3
    Coupon.objects.create(code="GERCEK", kind="percent", value=Decimal("10"))
    add(client, physical(), 1)
    for _ in range(3):
        client.post(reverse("orders:cart_coupon"), {"code": "WRONG"})
    response = client.post(reverse("orders:cart_coupon"), {"code": "GERCEK"}, follow=True)
    assert "Too many codes tried" in response.content.decode()
    assert response.context["quote"].priced.coupon.coupon is None


def test_signed_in_customer_checks_out_from_a_saved_address(client, shipping):
    user = UserFactory(verified=True)
    address = Address.objects.create(
        user=user, full_name="Ayşe Yılmaz", phone="+905321234567", province="İzmir",
        district="Konak", neighbourhood="Alsancak", street="Kıbrıs Şehitleri Cad. 1",
        postal_code="35220", is_default_shipping=True, is_default_billing=True,
    )  # fmt: skip
    client.force_login(user)
    add(client, physical(), 1)
    blank = dict.fromkeys(ADDRESS, "")
    response = place(client, shipping, shipping_choice=str(address.pk), **blank)
    assert response.status_code == 302, response.content.decode()[:2000]
    order = Order.objects.get(user=user)
    assert order.shipping_address["province"] == "İzmir"
    orders_page = client.get(reverse("orders:order_list"))
    assert order.number in orders_page.content.decode()


def test_unverified_customer_cannot_place(client, shipping):
    user = UserFactory()
    client.force_login(user)
    add(client, physical(), 1)
    response = place(client, shipping)
    assert "verify your email" in response.content.decode()
    assert Order.objects.count() == 0


def test_guest_cart_is_merged_into_the_account_on_log_in(client):
    from tests.factories import DEFAULT_PASSWORD

    user = UserFactory(verified=True)
    variant = physical()
    add(client, variant, 2)
    client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})
    cart = client.get(reverse("orders:cart")).context["cart"]
    assert cart.user == user
    assert cart.lines.get().quantity == 2


def test_another_customers_confirmation_is_a_404(client, shipping):
    add(client, physical(), 1)
    place(client, shipping)
    number = Order.objects.get().number
    stranger = client.__class__()
    assert stranger.get(reverse("orders:confirmation", args=[number])).status_code == 404
    other = UserFactory(verified=True)
    stranger.force_login(other)
    assert stranger.get(reverse("orders:confirmation", args=[number])).status_code == 404


@pytest.mark.parametrize("lines", [1, 6])
def test_query_counts_do_not_grow_with_cart_lines(
    client, shipping, django_assert_max_num_queries, lines
):
    for _ in range(lines):
        add(client, physical(), 1)
    with django_assert_max_num_queries(12):
        client.get(reverse("orders:cart"))
    with django_assert_max_num_queries(16):
        client.get(reverse("orders:checkout"))
    response = place(client, shipping)
    # The order's page, loaded: the version of what it shows, then timeline, parcels, payments.
    with django_assert_max_num_queries(14):
        client.get(response["Location"])


def test_checkout_page_names_the_payment_method_the_quote_charges_for(client, shipping, settings):
    add(client, physical(), 1)
    response = place(client, shipping, action="refresh")
    page = response.context["page"]
    assert page.payment_method == "cod"
    assert all("Cash on delivery" in d.text for d in response.context["documents"][:1])
    assert 'class="place-order" disabled' not in response.content.decode()

    # A method that cannot pay for this cart is not quietly swapped for another one.
    settings.COD_MAX_TOTAL = "1.00"
    response = place(client, shipping, action="refresh", payment_method="cod")
    assert response.context["page"].payment_method == ""
    assert 'class="place-order" disabled' in response.content.decode()


def test_placing_without_refreshing_after_choosing_shipping_shows_the_new_total(client, shipping):
    """Without JavaScript the page shown first knows no shipping yet: placing says so once."""
    add(client, physical("120.00"), 1)
    _, stale = checkout_form(client)  # no address yet: the total has no shipping
    data = {
        "email": "guest@example.com", "phone": "05321234567", "shipping_choice": "new",
        "billing_same": "on", "shipping_method": shipping.pk, "payment_method": "cod",
        "accept_terms": "on", "action": "place", **ADDRESS,
    }  # fmt: skip
    refused = client.post(reverse("orders:checkout"), {**data, **stale})
    assert refused.status_code == 400
    assert "The total is now ₺189.80" in refused.content.decode()
    assert not Order.objects.exists()
    html = refused.content.decode()
    fresh = html.split('name="grand_total" value="')[1].split('"')[0]
    placed = client.post(reverse("orders:checkout"), {**data, **stale, "grand_total": fresh})
    assert placed.status_code == 302
    assert Order.objects.get().total == Decimal("189.80")


def test_a_fully_discounted_cart_needs_no_payment_method(client):
    Coupon.objects.create(code="HEPSI", kind="percent", value=Decimal("100"))
    add(client, digital("40.00"), 1)
    client.post(reverse("orders:cart_coupon"), {"code": "HEPSI"})
    response, _ = checkout_form(client)
    html = response.content.decode()
    assert 'id="nothing-to-pay"' in html and 'name="payment_method"' not in html
    placed = place(client, None, payment_method="", accept_digital_waiver="on", **BILLING)
    order = Order.objects.get()
    assert placed["Location"] == reverse("orders:confirmation", args=[order.number])
    assert (order.total, order.status) == (Decimal("0.00"), "confirmed")


@pytest.mark.parametrize("lines", [1, 6])
def test_a_signed_in_cart_asks_no_payment_method_about_itself(
    client, django_assert_num_queries, lines
):
    # The cart page offers no payment method, so a customer's balance, tab and saved cards
    # are not looked up for it: the same queries as a guest's cart, plus the session's user.
    customer = UserFactory(verified=True)
    client.force_login(customer)
    for _ in range(lines):
        add(client, physical(), 1)
    client.get(reverse("orders:cart"))
    # The session's user, then the cart with its lines in one query (the options are kept per
    # worker and catalog version, so none is asked for them again).
    with django_assert_num_queries(2):
        page = client.get(reverse("orders:cart"))
    assert page.status_code == 200 and page.content.count(b'class="cart-line"') == lines


def test_a_line_names_its_options_in_the_page_language_and_the_order_keeps_them(client, shipping):
    # Options are read once per worker and catalog version: a renamed value shows at once,
    # and the order copies them in the language it was placed in.
    from catalog.models import Attribute, AttributeValue

    colour = Attribute.objects.create(code="colour", name_en="Colour", name_tr="Renk")
    size = Attribute.objects.create(code="size", name_en="Size", name_tr="Beden")
    red = AttributeValue.objects.create(
        attribute=colour, value_en="Red", value_tr="Kırmızı", slug_en="red", slug_tr="kirmizi"
    )
    medium = AttributeValue.objects.create(attribute=size, value="M", slug="m")
    variant = physical()
    variant.attribute_values.add(medium, red)
    add(client, variant, 1)
    with translation.override("tr"):
        turkish_cart = reverse("orders:cart")
    with translation.override("en"):
        english_cart = reverse("orders:cart")
    assert '<span class="option">Kırmızı / M</span>' in client.get(turkish_cart).text
    assert '<span class="option">Red / M</span>' in client.get(english_cart).text

    red.value_tr = "Bordo"
    red.save()
    assert '<span class="option">Bordo / M</span>' in client.get(turkish_cart).text

    with translation.override("tr"):
        assert place(client, shipping).status_code == 302
    order = Order.objects.get()
    assert (order.language, order.lines.get().variant_name) == ("tr", "Bordo / M")


def test_a_product_renamed_or_withdrawn_after_it_was_added_shows_so_in_the_cart(client):
    # The cart names and prices its products from each worker's kept copies: a change saved
    # in the admin reaches the next view of the cart.
    variant = physical()
    product = variant.product
    add(client, variant, 1)
    with translation.override("en"):
        cart_url = reverse("orders:cart")
    assert product.name_en in client.get(cart_url).text
    product.name_en = "Brass Desk Lamp"
    product.save()
    page = client.get(cart_url).text
    assert "Brass Desk Lamp" in page and "Please fix the items marked above" not in page
    product.status = "archived"
    product.save()
    page = client.get(cart_url).text
    assert "This item is no longer available" in page
    assert "Please fix the items marked above to check out." in page
