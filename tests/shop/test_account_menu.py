"""One account menu on every account page, and a time-zone field people can find their city in."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import translation

from payments.services import balance_top_up_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# URL name → the link's words in English and Turkish, in the menu's order.
MENU = [
    ("shop:profile", "My account", "Hesabım"),
    ("orders:order_list", "My orders", "Siparişlerim"),
    ("orders:my_coupons", "My coupons", "Kuponlarım"),
    ("orders:address_list", "My addresses", "Adreslerim"),
    ("wallet:cards", "My wallet", "Cüzdanım"),
    ("wallet:balance", "My balance", "Bakiyem"),
    ("wallet:tab", "My tab", "Açık hesabım"),
    ("wallet:points", "My points", "Puanlarım"),
    ("crm:profile", "My profile", "Profilim"),
    ("crm:message_preferences", "Message preferences", "Mesaj tercihleri"),
    ("crm:your_data", "Your data", "Verileriniz"),
    ("account_email", "Email addresses", "E-posta adresleri"),
    ("account_change_password", "Change password", "Şifre değiştir"),
]

# Each account page and the queries it runs for a customer with nothing on file, the same as
# before the menu came (pinned: the menu itself runs none).
PAGES = [
    ("shop:profile", 2),
    ("orders:order_list", 3),
    ("orders:my_coupons", 3),
    ("orders:address_list", 3),
    ("wallet:cards", 4),
    ("wallet:balance", 4),
    ("wallet:tab", 3),
    ("wallet:points", 5),
    ("crm:profile", 4),
    ("crm:message_preferences", 4),  # + the browsers with notifications on
    ("crm:your_data", 4),
    ("account_email", 6),
    ("account_change_password", 2),
]


class _Page(HTMLParser):
    """The account menu's links and the time-zone drop-down's groups, as a reader meets them."""

    def __init__(self) -> None:
        super().__init__()
        self.menus: list[list[dict]] = []
        self.menu_labels: list[str] = []
        self.zone_groups: list[tuple[str, list[dict]]] = []
        self._in_menu = self._in_zone = False
        self._link: dict | None = None
        self._option: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "nav" and "account-nav" in (attributes.get("class") or ""):
            self._in_menu = True
            self.menus.append([])
            self.menu_labels.append(attributes.get("aria-label") or "")
        elif tag == "a" and self._in_menu:
            self._link = {"href": attributes["href"], "current": attributes.get("aria-current")}
            self._link["text"] = ""
        elif tag == "select" and attributes.get("name") == "time_zone":
            self._in_zone = True
        elif tag == "optgroup" and self._in_zone:
            self.zone_groups.append((attributes["label"], []))
        elif tag == "option" and self._in_zone:
            selected = "selected" in attributes
            self._option = {"value": attributes["value"], "selected": selected, "text": ""}

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_menu = False
        elif tag == "a" and self._link is not None:
            self._link["text"] = self._link["text"].strip()
            self.menus[-1].append(self._link)
            self._link = None
        elif tag == "select":
            self._in_zone = False
        elif tag == "option" and self._option is not None:
            self._option["text"] = self._option["text"].strip()
            self.zone_groups[-1][1].append(self._option)
            self._option = None

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link["text"] += data
        if self._option is not None:
            self._option["text"] += data


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _marked(html: str) -> list[tuple[str, str]]:
    return [(link["text"], link["current"]) for link in _parse(html).menus[0] if link["current"]]


def _url(name: str, language: str) -> str:
    with translation.override(language):
        return reverse(name)


@pytest.fixture
def customer(client):
    user = UserFactory(verified=True, language="en")
    client.force_login(user)
    return user


@pytest.mark.parametrize("language", ["en", "tr"])
@pytest.mark.parametrize(("page_name", "max_queries"), PAGES)
def test_every_account_page_shows_the_whole_menu_and_marks_itself(
    client, customer, django_assert_max_num_queries, language, page_name, max_queries
):
    with django_assert_max_num_queries(max_queries):
        response = client.get(_url(page_name, language))
    assert response.status_code == 200
    page = _parse(response.text)
    assert len(page.menus) == 1, "exactly one account menu"
    assert page.menu_labels == ["Account menu" if language == "en" else "Hesap menüsü"]
    expected = [(_url(name, language), en if language == "en" else tr) for name, en, tr in MENU]
    assert [(link["href"], link["text"]) for link in page.menus[0]] == expected
    marked = [link for link in page.menus[0] if link["current"]]
    assert [(link["href"], link["current"]) for link in marked] == [
        (_url(page_name, language), "page")
    ]


def test_a_page_inside_a_section_marks_its_section_but_not_as_this_page(client, customer):
    assert _marked(client.get("/en/account/addresses/new/").text) == [("My addresses", "true")]


def test_the_menu_replaces_the_old_links_so_no_page_has_two_links_to_the_same_place(
    client, customer
):
    for name, _en, _tr in MENU:
        html = client.get(_url(name, "en")).text
        main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
        for target, *_words in MENU:
            assert main.count(f'href="{_url(target, "en")}"') == 1, (name, target)


def test_the_menu_itself_runs_no_query(customer, django_assert_num_queries):
    request = RequestFactory().get("/en/account/balance/")
    with translation.override("en"):
        request.resolver_match = resolve("/en/account/balance/")  # the English prefix
        with django_assert_num_queries(0):
            html = render_to_string("shop/_account_menu.html", {"request": request})
    assert 'aria-current="page">My balance<' in html


def _zone_form(**changes: str) -> dict[str, str]:
    data = {
        "first_name": "Ayşe",
        "last_name": "Yılmaz",
        "phone": "",
        "language": "en",
        "time_zone": "Europe/Istanbul",
    }
    return data | changes


def test_the_time_zone_field_offers_turkiye_first_then_cities_then_every_zone(client, customer):
    page = _parse(client.get("/en/account/").text)
    labels = [label for label, _options in page.zone_groups]
    assert labels == ["Türkiye", "Common time zones", "All time zones, by city"]
    turkiye, common, everything = (options for _label, options in page.zone_groups)
    assert [(o["value"], o["text"]) for o in turkiye] == [("Europe/Istanbul", "Türkiye (Istanbul)")]
    assert [o["value"] for o in turkiye + common + everything if o["selected"]] == [
        "Europe/Istanbul"
    ]
    cities = {o["text"]: o["value"] for o in common}
    assert cities["London"] == "Europe/London"
    assert cities["Berlin"] == "Europe/Berlin"
    assert cities["New York"] == "America/New_York"
    *by_name, last = cities
    assert by_name == sorted(by_name, key=str.casefold)
    assert last == "Coordinated Universal Time (UTC)"
    assert len(everything) > 400
    full = {o["text"]: o["value"] for o in everything}
    assert full["Buenos Aires (America/Argentina)"] == "America/Argentina/Buenos_Aires"
    assert full["Istanbul (Europe)"] == "Europe/Istanbul"
    texts = [o["text"].casefold() for o in everything]
    assert texts == sorted(texts), "the full list is sorted by city, for type-to-find"


def test_the_time_zone_field_is_labelled_and_explained(client, customer):
    html = client.get("/en/account/").text
    assert '<label for="id_time_zone">Time zone:</label>' in html
    assert 'aria-describedby="id_time_zone_helptext"' in html
    assert "type a city's name to jump to it" in html


def test_the_cities_are_named_in_turkish_on_the_turkish_page(client, customer):
    page = _parse(client.get("/account/").text)
    labels = [label for label, _options in page.zone_groups]
    assert labels == ["Türkiye", "Sık seçilen saat dilimleri", "Tüm saat dilimleri, şehre göre"]
    turkiye, common = page.zone_groups[0][1], page.zone_groups[1][1]
    assert turkiye[0]["text"] == "Türkiye (İstanbul)"
    cities = {o["text"]: o["value"] for o in common}
    assert cities["Londra"] == "Europe/London"
    assert cities["Lefkoşa"] == "Asia/Nicosia"
    assert "Saat dilimi" in client.get("/account/").text


def test_saving_a_city_stores_its_zone_name_and_shows_it_chosen(client, customer):
    response = client.post("/en/account/", _zone_form(time_zone="America/New_York"), follow=True)
    assert "Your profile has been saved." in response.text
    customer.refresh_from_db()
    assert customer.time_zone == "America/New_York"
    page = _parse(response.text)
    chosen = [o for _label, group in page.zone_groups for o in group if o["selected"]]
    assert [(o["value"], o["text"]) for o in chosen] == [("America/New_York", "New York")]


def test_a_zone_from_the_full_list_is_stored_as_its_name(client, customer):
    client.post("/en/account/", _zone_form(time_zone="Asia/Kolkata"))
    customer.refresh_from_db()
    assert customer.time_zone == "Asia/Kolkata"


@pytest.mark.parametrize("typed", ["Mars/Base", "London", "", "<b>Europe/Istanbul</b>"])
def test_an_unknown_zone_is_refused_with_a_message_and_nothing_changes(client, customer, typed):
    customer.time_zone = "Europe/Berlin"
    customer.first_name = "Zeynep"
    customer.save()
    response = client.post("/en/account/", _zone_form(time_zone=typed, first_name="Changed"))
    assert response.status_code == 200
    if typed:
        assert "is not a time zone we know. Choose a city from the list." in response.text
    else:
        assert "This field is required." in response.text
    assert "<b>Europe" not in response.text
    customer.refresh_from_db()
    assert (customer.time_zone, customer.first_name) == ("Europe/Berlin", "Zeynep")


def test_the_refusal_is_in_turkish_on_the_turkish_page(client, customer):
    response = client.post("/account/", _zone_form(time_zone="Mars/Base"))
    assert "“Mars/Base” bildiğimiz bir saat dilimi değil. Listeden bir şehir seçin." in (
        response.text.replace("&ldquo;", "“").replace("&rdquo;", "”")
    )


@pytest.mark.stripe
def test_the_card_pages_mark_the_section_they_belong_to(client, customer, fake_stripe):
    top_up = balance_top_up_create(user=customer, amount=Decimal("50.00"))
    assert _marked(client.get("/en/account/wallet/add/").text) == [("My wallet", "true")]
    top_up_page = client.get(reverse("wallet:top_up_pay", args=[top_up.pk])).text
    assert _marked(top_up_page) == [("My balance", "true")]
