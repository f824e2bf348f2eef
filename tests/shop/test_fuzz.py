"""Hostile input answers 400, 404 or a form error, never 500: one request per (URL pattern,
parameter, hostile value) over every URL the resolver knows, the shop as a signed-in customer
and the admin as staff, on PostgreSQL (which refuses NUL bytes in text)."""

import re
import time
from collections.abc import Iterator
from html import unescape
from urllib.parse import parse_qsl

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from orders.models import Address
from tests.factories import OrderFactory, StaffFactory, UserFactory, VariantFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

HOSTILE = {
    "nul": "ab\x00cd",
    "huge number": "9" * 40,
    "non-numeric id": "not-a-number",
    "long unicode": "İğüşöçı🛒" * 600,
    "repeated": ["1", "two"],  # the parameter twice, a number and then not one
}
# Leaving, or undoing the session the test browses with, is not what is being fuzzed.
SKIP_NAMES = {"account_logout", "logout", "set_language"}
TIME_BUDGET_SECONDS = 60

_CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")
_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def _patterns(patterns: list, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern).replace("^", "").replace("$", "")
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, route)
        else:
            yield route, pattern


def _parameters(route: str) -> list[str]:
    return [m["name"] for m in _CONVERTER.finditer(route)] + [
        m["name"] for m in _GROUP.finditer(route)
    ]


def _url(route: str, values: dict[str, str]) -> str:
    url = _CONVERTER.sub(lambda m: values.get(m["name"], "1"), route)
    url = _GROUP.sub(lambda m: values.get(m["name"], "1"), url)
    return "/" + url


def _query_names(html: str) -> set[str]:
    """Parameters the page itself offers: its ?links (admin filters, sorting, pages) and the
    fields of its GET forms."""
    names = {
        name
        for href in re.findall(r'href="(\?[^"]*)"', html)
        for name, _ in parse_qsl(unescape(href)[1:], keep_blank_values=True)
    }
    for form in re.findall(r"<form\b(?![^>]*method=\"post\")[^>]*>(.*?)</form>", html, re.S | re.I):
        names |= set(re.findall(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', form))
    return names - {"csrfmiddlewaretoken"}


def _post_names(html: str) -> set[str]:
    names: set[str] = set()
    for form in re.findall(r'<form\b[^>]*method="post"[^>]*>(.*?)</form>', html, re.S | re.I):
        names |= set(re.findall(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', form))
    return names - {"csrfmiddlewaretoken"}


@pytest.fixture
def world(client):
    """A customer with an address, a cart line and an order; staff; a product to look at."""
    variant = VariantFactory()
    customer = UserFactory(verified=True)
    Address.objects.create(
        user=customer, full_name="Ayşe Yılmaz", phone="+905321234567", province="İzmir",
        district="Konak", neighbourhood="Alsancak", street="Kıbrıs Şehitleri Cad. 1",
        postal_code="35220",
    )  # fmt: skip
    OrderFactory(user=customer)
    shopper = Client()
    shopper.force_login(customer)
    shopper.post("/en/cart/add/", {"variant": variant.pk, "quantity": 1})
    staff = Client()
    staff.force_login(StaffFactory())
    return {"shopper": shopper, "staff": staff}


# Walked in parts: each kind of URL (the shop's, the admin's) in shares, every third or fourth
# URL, so that no part takes longer than a test may (20 s).
PARTS = ["shop-1/3", "shop-2/3", "shop-3/3", "admin-1/4", "admin-2/4", "admin-3/4", "admin-4/4"]


@pytest.mark.parametrize("part", PARTS)
def test_no_url_answers_500_to_hostile_input(world, part):
    started = time.monotonic()
    failures: list[str] = []
    requests = 0

    def send(client: Client, method: str, url: str, data: dict | None = None):
        nonlocal requests
        requests += 1
        call = client.post if method == "POST" else client.get
        try:
            response = call(url, data or {})
        except Exception as error:  # any crash is the finding
            failures.append(f"{method} {url[:120]} {data!r:.200}: {error!r:.300}")
            return None
        if response.status_code >= 500:
            failures.append(f"{method} {url[:120]} {data!r:.200}: {response.status_code}")
        return response

    kind, share = part.split("-")
    this, shares = (int(number) for number in share.split("/"))
    urls = 0
    for route, pattern in _patterns(get_resolver().url_patterns):
        if pattern.name in SKIP_NAMES or route.startswith(("media/", "static/")):
            continue
        if ("admin/" in route) != (kind == "admin"):
            continue
        urls += 1
        if urls % shares != this - 1:
            continue
        client = world["staff"] if "admin/" in route else world["shopper"]
        parameters = _parameters(route)
        for parameter in parameters:
            for value in HOSTILE.values():
                text = value[0] if isinstance(value, list) else value
                send(client, "GET", _url(route, {parameter: text}))
        page_url = _url(route, {})
        page = send(client, "GET", page_url)
        if page is None or page.status_code != 200 or "html" not in page.get("Content-Type", ""):
            continue
        html = page.text
        for name in sorted(_query_names(html)):
            for value in HOSTILE.values():
                send(client, "GET", page_url, {name: value})
        if "admin/" not in route:  # the shop's own forms; the admin's are Django's
            for name in sorted(_post_names(html)):
                for value in HOSTILE.values():
                    send(client, "POST", page_url, {name: value, "action": "refresh"})

    elapsed = time.monotonic() - started
    print(f"fuzz: {requests} requests in {elapsed:.1f} s")  # shown with -s
    assert failures == [], "\n".join(failures[:40])
    assert requests > 150  # the resolver really was walked
    assert elapsed < TIME_BUDGET_SECONDS * 1.5, f"{requests} requests took {elapsed:.0f} s"
