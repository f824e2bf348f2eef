"""The account menu on a phone, in Turkish: it wraps without sideways scrolling, every link takes
the keyboard's focus with its outline in full, and the time zone is chosen by typing a city."""

import pytest
from playwright.sync_api import Page, expect

from shop.models import User
from tests.factories import UserFactory
from tests.shop.test_account_menu import MENU as MENU_ROWS

from .helpers import log_in, watch_for_errors

pytestmark = pytest.mark.django_db(transaction=True)

# The menu's Turkish words, in order, from the table the HTTP test checks.
MENU = [turkish for _name, _english, turkish in MENU_ROWS]

# The focused link's outline (3 px, 2 px away) as drawn, and whether anything around it clips it.
OUTLINE = """el => {
    const style = getComputedStyle(el);
    const grow = parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset);
    const r = el.getBoundingClientRect();
    let clipped = false;
    for (let up = el.parentElement; up; up = up.parentElement) {
        const s = getComputedStyle(up);
        if (s.overflowX !== "visible" || s.overflowY !== "visible") {
            const b = up.getBoundingClientRect();
            clipped ||= r.left - grow < b.left || r.right + grow > b.right
                || r.top - grow < b.top || r.bottom + grow > b.bottom;
        }
    }
    return {grow, clipped, left: r.left - grow, right: r.right + grow,
            style: style.outlineStyle, width: document.documentElement.clientWidth};
}"""


def test_the_account_menu_wraps_on_a_phone_and_works_by_keyboard_in_turkish(
    page: Page, live_server
):
    customer = UserFactory(email="menu@example.com", language="tr", verified=True)
    errors = watch_for_errors(page)
    log_in(page, live_server.url, customer.email)
    page.goto(f"{live_server.url}/account/")

    menu = page.get_by_role("navigation", name="Hesap menüsü")
    links = menu.get_by_role("link")
    expect(links).to_have_text(MENU)
    expect(menu.locator("[aria-current=page]")).to_have_text("Hesabım")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), "no sideways"
    rows = {round(box["y"]) for box in (links.nth(i).bounding_box() for i in range(len(MENU)))}
    assert len(rows) > 1, "the menu wraps onto more rows on a phone"

    # From the heading's menu, Tab walks the links in order; each outline shows in full.
    links.first.focus()
    for index, name in enumerate(MENU):
        if index:
            page.keyboard.press("Tab")
        expect(links.nth(index)).to_be_focused()
        outline = links.nth(index).evaluate(OUTLINE)
        assert outline["style"] == "solid" and outline["grow"] >= 4, (name, outline)
        assert not outline["clipped"], (name, outline)
        assert outline["left"] >= 0 and outline["right"] <= outline["width"], (name, outline)

    # Enter follows a link; the page it opens marks itself in the same menu.
    links.nth(MENU.index("Cüzdanım")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cüzdanım")
    expect(menu.locator("[aria-current=page]")).to_have_text("Cüzdanım")

    # The time zone: Türkiye first; typing a city's name on the closed list picks it.
    page.goto(f"{live_server.url}/account/")
    zone = page.get_by_label("Saat dilimi")
    expect(zone.locator("option").first).to_have_text("Türkiye (İstanbul)")
    zone.focus()
    page.keyboard.type("Londra")
    expect(zone).to_have_value("Europe/London")
    page.get_by_role("button", name="Kaydet").click()
    expect(page.get_by_text("Profiliniz kaydedildi.")).to_be_visible()
    assert User.objects.get(pk=customer.pk).time_zone == "Europe/London"
    expect(page.get_by_label("Saat dilimi")).to_have_value("Europe/London")
    assert errors == []
