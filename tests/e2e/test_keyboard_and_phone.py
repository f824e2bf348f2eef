"""What axe cannot see, tried on a phone (390 px): choosing an option by keyboard, the header's
focus order, the sideways category menu, touch targets of small links (forms, account pages, the
order page) and the cart's lines."""

import itertools
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from catalog.models import Attribute, AttributeValue, Variant
from orders import services as order_services
from orders.models import CartLine, Return
from tests.factories import UserFactory, VariantFactory, listed_product, make_category
from tests.orders.fulfilment_helpers import digital_variant
from tests.orders.helpers import cart_with, place, turkish_address
from tests.orders.returns_helpers import delivered_order
from tests.payments.test_wallet_and_tab import save_card

from .helpers import add_to_cart, log_in, watch_for_errors

pytestmark = pytest.mark.django_db(transaction=True)

BOX = "el => { const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height}; }"  # noqa: E501
# A focused link's outline (its box grown by the outline's width and offset) and where the
# sideways menu lets it show: inside the list's padding box (the list clips what overflows
# it) and clear of the faded edges (the nav's ::before and ::after).
OUTLINE_AND_ROOM = """link => {
  const list = link.closest("ul"), nav = link.closest("nav"), style = getComputedStyle(link);
  const reach = parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset);
  const box = link.getBoundingClientRect(), clip = list.getBoundingClientRect();
  const edges = nav.getBoundingClientRect();
  const top = clip.top + list.clientTop, left = clip.left + list.clientLeft;
  return {
    style: style.outlineStyle, width: parseFloat(style.outlineWidth),
    outline: {top: box.top - reach, bottom: box.bottom + reach,
              left: box.left - reach, right: box.right + reach},
    room: {top: top, bottom: top + list.clientHeight,
           left: Math.max(left, edges.left + parseFloat(getComputedStyle(nav, "::before").width)),
           right: Math.min(left + list.clientWidth,
                           edges.right - parseFloat(getComputedStyle(nav, "::after").width))},
  };
}"""


@pytest.fixture
def lamp():
    """A lamp in red and blue, both in stock."""
    colour = Attribute.objects.create(code="colour", name_en="Colour", name_tr="Renk")
    variants = []
    for sku, value_en, value_tr, price in (
        ("STAR-RED", "Red", "Kırmızı", "250.00"),
        ("STAR-BLUE", "Blue", "Mavi", "275.00"),
    ):
        value = AttributeValue.objects.create(
            attribute=colour, value_en=value_en, value_tr=value_tr,
            slug_en=value_en.lower(), slug_tr=value_tr.lower(),
        )  # fmt: skip
        variants.append(
            {"sku": sku, "price": Decimal(price), "on_hand": 12, "attribute_values": [value]}
        )
    return listed_product(
        category=make_category("Aydınlatma"), name_en="Star Lamp", name_tr="Yıldız Lamba",
        slug_en="star-lamp", slug_tr="yildiz-lamba", variants=variants,
    )  # fmt: skip


def test_an_option_chosen_by_keyboard_keeps_focus_is_announced_and_leads_to_add_to_cart(
    page: Page, live_server, lamp
):
    errors = watch_for_errors(page)
    page.goto(f"{live_server.url}/en/p/star-lamp/")
    page.evaluate("window.__stillHere = true")  # the block is swapped in place, not reloaded
    blue = page.get_by_role("navigation", name="Options").get_by_role("link", name="Blue")
    blue.focus()
    page.keyboard.press("Enter")

    expect(page.locator("#variant-sku")).to_have_text("STAR-BLUE")
    expect(blue).to_have_attribute("aria-current", "true")
    expect(blue).to_be_focused()
    announcement = page.get_by_role("status").filter(has_text="Chosen option")
    expect(announcement).to_have_text("Chosen option: Blue, ₺275.00, In stock")
    assert page.evaluate("window.__stillHere === true")

    page.keyboard.press("Tab")
    expect(page.get_by_label("Quantity")).to_be_focused()
    page.keyboard.press("Tab")
    add = page.get_by_role("button", name="Add to cart")
    expect(add).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#cart-count")).to_have_text("1")
    assert [line.variant.sku for line in CartLine.objects.select_related("variant")] == [
        "STAR-BLUE"
    ]
    assert errors == []


def test_phone_header_focus_follows_the_screen_and_categories_scroll_into_view(
    page: Page, live_server
):
    for name in ("Elektronik", "Ev ve Yaşam", "Gıda", "Kitap ve Müzik", "Moda", "Oyuncak",
                 "Spor ve Outdoor", "Kozmetik ve Kişisel Bakım"):  # fmt: skip
        make_category(name)
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="İçeriğe geç")).to_be_focused()

    # The header's controls, in the order they are focused: row by row, as they are seen.
    header = []
    for _ in range(6):
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        header.append(
            (focused.evaluate("el => el.textContent.trim() || el.id"), focused.evaluate(BOX))
        )
    assert [name for name, _ in header] == [
        "Dükkan", "Sepet 0 sepetteki ürün sayısı", "Giriş yap", "Üye ol", "site-search", "Ara",
    ]  # fmt: skip
    tops = [box["top"] for _, box in header]
    assert tops[1] < tops[4], "the cart row is above the search row"
    assert all(later >= earlier - 12 for earlier, later in itertools.pairwise(tops)), tops

    # The category menu scrolls sideways, with faded edges that show it; every link that takes
    # focus is scrolled fully into view, clear of the fades, its whole focus outline showing
    # (the scrolling list clips what overflows it, and the fades wash out what lies under them).
    menu = page.get_by_role("navigation", name="Kategoriler")
    strip = menu.locator("ul")
    assert strip.evaluate("ul => ul.scrollWidth > ul.clientWidth")
    assert "gradient" in menu.evaluate("nav => getComputedStyle(nav, '::after').backgroundImage")
    visible = strip.evaluate(BOX)
    links = menu.get_by_role("link")
    assert links.count() == 9
    for index in range(links.count()):
        page.keyboard.press("Tab")
        link = links.nth(index)
        expect(link).to_be_focused()
        box = link.evaluate(BOX)
        assert visible["left"] + 12 <= box["left"] and box["right"] <= visible["right"] - 24, (
            link.text_content(),
            box,
            visible,
        )
        focus = link.evaluate(OUTLINE_AND_ROOM)
        assert focus["style"] == "solid" and focus["width"] >= 3, focus
        outline, room = focus["outline"], focus["room"]
        assert room["top"] <= outline["top"] and outline["bottom"] <= room["bottom"], focus
        assert room["left"] <= outline["left"] and outline["right"] <= room["right"], focus
    assert strip.evaluate("ul => ul.scrollLeft > 0")


def test_small_links_in_forms_are_at_least_24px_tall(page: Page, live_server):
    UserFactory(email="touch@example.com", language="en", verified=True)
    page.goto(f"{live_server.url}/en/account/login/")
    forgot = page.get_by_role("link", name="Forgot your password?")
    assert forgot.evaluate(BOX)["height"] >= 24

    page.get_by_label("Email:", exact=True).fill("touch@example.com")
    page.get_by_label("Password:").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as touch@example.com.", exact=True)).to_be_visible()
    for path in ("/en/account/password/change/", "/en/account/"):
        page.goto(f"{live_server.url}{path}")
        small = page.locator("main form a, main .account-nav a, main button.link")
        assert small.count() > 0
        heights = small.evaluate_all(
            "els => els.map(el => [el.textContent.trim(), el.getBoundingClientRect().height])"
        )
        assert all(height >= 24 for _, height in heights), (path, heights)


def test_cart_lines_read_on_a_phone_without_sideways_scrolling(page: Page, live_server, lamp):
    listed_product(
        name_tr="Kablosuz Gürültü Önleyici Kulak Üstü Bluetooth Kulaklık (Uzun Pil Ömürlü)",
        slug_tr="kablosuz-kulaklik",
        variants=[{"price": Decimal("1899.90"), "on_hand": 5}],
    )
    add_to_cart(page, f"{live_server.url}/p/yildiz-lamba/", quantity=2, count_after=2)
    add_to_cart(page, f"{live_server.url}/p/kablosuz-kulaklik/", quantity=1, count_after=3)
    page.goto(f"{live_server.url}/cart/")
    expect(page.get_by_role("heading", name="Sepetim")).to_be_visible()

    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    lines = page.locator(".cart-line")
    expect(lines).to_have_count(2)
    lamp_line = lines.filter(has_text="Yıldız Lamba")
    expect(lamp_line.get_by_text("Kırmızı")).to_be_visible()
    quantity = lamp_line.get_by_label("Yıldız Lamba için Adet")
    expect(quantity).to_have_value("2")
    # "Adet" is shown beside the field; the product's name is read out, not printed again.
    label, field = lamp_line.locator("label").evaluate(BOX), quantity.evaluate(BOX)
    assert label["right"] - label["left"] < 80 and label["right"] <= field["left"], (label, field)

    for line in (lamp_line, lines.filter(has_text="Kablosuz")):
        card = line.evaluate(BOX)
        remove = line.get_by_role("button", name="Kaldır").evaluate(BOX)
        total = line.locator(".line-total").evaluate(BOX)
        for part in (line.get_by_role("link"), line.get_by_role("spinbutton")):
            box = part.evaluate(BOX)
            assert card["left"] <= box["left"] and box["right"] <= card["right"], box
        assert card["left"] <= total["left"] and total["right"] <= card["right"], total
        # The line total sits at the card's right, across from "Remove", not mid-card.
        assert abs(total["top"] + total["height"] / 2 - (remove["top"] + remove["height"] / 2)) < 8
        assert total["left"] > remove["right"] and card["right"] - total["right"] < 20
    expect(lamp_line.locator(".line-total")).to_have_text("Satır toplamı: ₺500,00")


@pytest.mark.stripe
def test_links_on_the_account_pages_and_the_order_page_are_at_least_24px_tall(
    page: Page, live_server, fake_stripe
):
    """My wallet, the balance statement, My tab, the address book, My orders and an order's
    page (parcel tracking, invoice, credit note, downloads, the links below), on a phone."""
    customer = UserFactory(email="links@example.com", language="en", verified=True)
    order_services.address_save(
        address=turkish_address(user=customer), default_shipping=True, default_billing=True
    )
    save_card(fake_stripe, customer)
    song = digital_variant(title="Night Song (MP3)")
    Variant.objects.filter(pk=song.pk).update(price=Decimal("20.00"))
    on_tab = place(cart_with((song, 1), user=customer), payment_method="micropayment")
    # A delivered order with one of its two items sent back: received and its cash refunded to
    # the balance; the other item may still be returned.
    returned = delivered_order(
        (VariantFactory(price=Decimal("120.00"), on_hand=5), 1),
        (VariantFactory(price=Decimal("80.00"), on_hand=5), 1),
        user=customer,
    )
    order_services.return_request(  # cash back as store credit, as the customer chose
        order=returned, quantities={returned.lines.first().pk: 1}, refund_to="store_credit"
    )
    order_return = Return.objects.get(order=returned)
    order_return = order_services.return_receive(
        order_return=order_return,
        restock={line.pk: "sellable" for line in order_return.lines.all()},
    )
    order_services.return_refund(order_return=order_return)

    errors = watch_for_errors(page)
    base = f"{live_server.url}/en"
    log_in(page, base, customer.email)
    for path, must_show in (
        ("/account/wallet/", "My balance"),
        ("/account/balance/", "Refund"),
        ("/account/tab/", on_tab.number),
        ("/account/addresses/", "Edit"),
        ("/account/orders/", returned.number),
        (f"/orders/{returned.number}/", "Credit note"),
        (f"/orders/{returned.number}/return/", "Back to the order"),
        (f"/orders/{on_tab.number}/", "Your downloads"),
    ):
        page.goto(f"{base}{path}")
        expect(page.locator("main")).to_contain_text(must_show)
        heights = page.locator("main").evaluate(
            """main => [...main.querySelectorAll('a, button.link')]
                .filter(el => el.getClientRects().length > 0)
                .map(el => [el.textContent.trim(), el.getBoundingClientRect().height])"""
        )
        assert heights, path
        assert all(height >= 24 for _, height in heights), (path, heights)
    assert errors == []
