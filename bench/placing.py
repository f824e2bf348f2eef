"""Guests placing cash-on-delivery orders over HTTP; the place-order POST alone is timed."""

import os
import re
import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from measure import Browser
from plan import client_for, counted

PLACEMENTS = int(os.environ.get("BENCH_PLACEMENTS", "30"))
PLACEMENT_WARMUP = 4  # untimed first orders: each worker's first placement loads what it needs
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


def _hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html)[1]


def _shown_totals(html: str) -> dict:
    """The hidden token and totals of a checkout page, as its form would submit them."""
    return {name: _hidden(html, name) for name in ("token", "items_total", "grand_total")}


def _checkout_form(plan: dict) -> dict:
    """A guest's checkout form: cash on delivery to the demo address, billing the same."""
    return {
        "email": "guest@example.com",
        "phone": "0532 123 45 67",
        "shipping_choice": "new",
        "billing_same": "on",
        "billing_choice": "new",
        "shipping_method": plan["shipping_method"],
        "payment_method": "cod",
        "accept_terms": "on",
        "action": "place",
        **ADDRESS,
    }


def _urls(plan: dict) -> tuple[str, str, str]:
    with translation.override("en"):
        return (
            reverse("catalog:product", args=[plan["placement_product"]]),
            reverse("orders:cart_add"),
            reverse("orders:checkout"),
        )


def place(plan: dict, variant_id: int, port: int) -> float:
    """One guest's order on the server at `port`; the milliseconds of its place-order POST."""
    product_url, add_url, checkout_url = _urls(plan)
    browser = Browser(port)
    _, page = browser.request("GET", product_url)
    token = _hidden(page, "csrfmiddlewaretoken")
    status, _ = browser.request(
        "POST", add_url, {"variant": variant_id, "quantity": 1, "csrfmiddlewaretoken": token}
    )
    assert status == 302, status
    _, page = browser.request("GET", checkout_url)
    form = {"csrfmiddlewaretoken": _hidden(page, "csrfmiddlewaretoken"), **_checkout_form(plan)}
    # As a browser does while the form is filled: the page refreshes its totals (shipping
    # and fees included), and the form carries what it showed.
    _, page = browser.request("POST", checkout_url, {**form, "action": "refresh"})
    form.update(_shown_totals(page))
    started = time.perf_counter()
    status, _ = browser.request("POST", checkout_url, form)
    elapsed = (time.perf_counter() - started) * 1000
    assert status == 302, f"placement answered {status} on port {port}"
    return elapsed


def summary(times: list[float]) -> dict:
    """Timed placements (the untimed first ones already left out) as the table shows them."""
    times = sorted(times)
    return {
        "rps": round(len(times) / (sum(times) / 1000), 1),
        "p50_ms": statistics.median(times),
        "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))],
        "count": len(times),
    }


def placements(plan: dict, port: int) -> dict:
    """Guests placing cash-on-delivery orders one after another; the place-order POST is timed."""
    times = [place(plan, variant_id, port) for variant_id in plan["placement_variants"]]
    return summary(times[PLACEMENT_WARMUP:])


def placement_statements(plan: dict) -> int:
    """The SQL statements of one guest placement POST, counted in process."""
    from catalog.models import Variant

    variant = Variant.objects.filter(sku__startswith="BENCH-", product__in_stock=True).last()
    client = client_for("")
    with translation.override("en"):
        client.post(reverse("orders:cart_add"), {"variant": variant.pk, "quantity": 1})
        form = _checkout_form(plan)
        page = client.post(reverse("orders:checkout"), {**form, "action": "refresh"})
        form.update(_shown_totals(page.content.decode()))
        with CaptureQueriesContext(connection) as captured:
            response = client.post(reverse("orders:checkout"), form)
    assert response.status_code == 302, response.status_code
    return counted(captured)
