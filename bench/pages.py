"""Measure every main page against a bare view, in one run (started by bench/run.sh).

Serves the shop with gunicorn (2 sync workers) in the environment run.sh prepared, then for
each page runs `wrk` BENCH_RUNS times (median taken) and counts its SQL statements in process.
Anonymous pages are measured as the page cache serves them; signed-in ones are rendered for
the visitor. A guest cash-on-delivery placement is driven over HTTP. Prints a table and writes
bench/results/<time>.json. With `--check`, only asks each page once in process (status, SQL).
"""

import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402

PORT = int(os.environ.get("BENCH_PORT", "8011"))
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
PLACEMENTS = int(os.environ.get("BENCH_PLACEMENTS", "30"))
PLACEMENT_WARMUP = 4  # untimed first orders: each worker's first placement loads what it needs
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
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


# --- Preparation (in process, on the benchmark database) ---------------------------------------


def _session(**values: object) -> str:
    from django.contrib.sessions.backends.cached_db import SessionStore

    session = SessionStore()
    for key, value in values.items():
        session[key] = value
    session.save()
    return session.session_key


def _cart(user, variants) -> object:
    from orders import services
    from orders.models import CartLine

    cart = services.cart_for_user(user=user)
    CartLine.objects.filter(cart=cart).delete()
    for variant in variants:
        services.cart_add(cart=cart, variant_id=variant.pk, quantity=1)
    return cart


def _place_order(user, variants, *, payment_method: str):
    """Place the user's order as checkout does (the demo's address, delivery if physical)."""
    from orders.demo import demo_place

    return demo_place(user, _cart(user, variants), payment_method=payment_method, language="en")


def _account_pages(user, variants) -> dict:
    """The signed-in customer's own pages, with something on each; idempotent.

    An order delivered within the withdrawal period (parcel, invoice, one of its two items
    returned and refunded: a credit note, and the cash back on her balance; the other item
    still returnable), and three small digital items on her tab. A new order is placed only
    once the last one's withdrawal period is nearly over.
    """
    from datetime import timedelta

    from django.utils import timezone

    from catalog.models import Variant
    from orders import services
    from orders.models import Carrier, OrderEvent
    from payments.models import SavedCard, Tab
    from payments.services import payment_collect_cash

    recent = timezone.now() - timedelta(days=max(settings.WITHDRAWAL_DAYS - 2, 1))
    delivered = (
        OrderEvent.objects.filter(
            order__user=user,
            order__status="delivered",
            to_status="delivered",
            created_at__gte=recent,
        )
        .order_by("-pk")
        .first()
    )
    if delivered is None:
        order = _place_order(user, variants, payment_method="cod")
        for step in ("preparing", "packed"):
            services.order_step(order=order, to=step)
        carrier = Carrier.objects.order_by("pk").first()
        services.order_ship(order=order, carrier=carrier, tracking_number=f"BENCH{order.pk:07d}")
        for step in ("in_transit", "out_for_delivery", "delivered"):
            services.order_step(order=order, to=step)
        payment = order.payments.order_by("-pk").first()
        payment_collect_cash(payment=payment, amount=payment.amount)
        order_return = services.return_request(
            order=order,
            quantities={order.lines.order_by("pk").first().pk: 1},
            by=user,
            refund_to="store_credit",  # her balance statement shows the cash coming back
        )
        order_return = services.return_receive(
            order_return=order_return,
            restock={line.pk: "sellable" for line in order_return.lines.all()},
        )
        services.return_refund(order_return=order_return)
        number = order.number
    else:
        number = delivered.order.number
    # The tab needs a saved card. The bench talks to no Stripe: the card is the row
    # saved_card_add leaves, never charged (the tab stays under its settle threshold).
    if not SavedCard.objects.filter(user=user).exists():
        SavedCard.objects.create(
            user=user,
            payment_method_id=f"pm_bench_{user.pk}",
            brand="visa",
            last4="4242",
            exp_month=12,
            exp_year=timezone.now().year + 5,
            is_default=True,
        )
    if not Tab.objects.filter(user=user).exists():
        for sku in ("DK-TAB-1", "DK-TAB-2", "DK-TAB-3"):  # the demo catalog's small items
            small = Variant.objects.filter(sku=sku).first()
            if small is not None:
                _place_order(user, [small], payment_method="micropayment")
    return {
        "my orders": reverse("orders:order_list"),
        "order page": reverse("orders:confirmation", args=[number]),
        "return request form": reverse("orders:return", args=[number]),
        "my wallet": reverse("wallet:cards"),
        "balance statement": reverse("wallet:balance"),
        "my tab": reverse("wallet:tab"),
    }


def prepare() -> dict:
    from allauth.account.models import EmailAddress

    from catalog.models import Category, Variant
    from orders.cart_session import CART_SESSION_KEY, COUNT_SESSION_KEY
    from orders.models import ShippingMethod
    from shop.models import User

    in_stock = list(
        Variant.objects.filter(sku__startswith="BENCH-", product__in_stock=True)
        .select_related("product")
        .order_by("pk")[: 3 + PLACEMENT_WARMUP + PLACEMENTS]
    )
    product = in_stock[0].product
    category = Category.objects.filter(depth=2, products__isnull=False).order_by("path").first()
    word = category.name_en.split()[0].lower()
    typo = word[:2] + word[3:] if len(word) > 4 else word + "x"  # a letter missed while typing
    user, _ = User.objects.get_or_create(email="bench@dukkan.local")
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    # Two items for the customer's own order, well away from those the placements use.
    ordered = list(
        Variant.objects.filter(
            sku__startswith="BENCH-", product__in_stock=True, on_hand__gte=5, price__lte=2000
        ).order_by("-pk")[:2]
    )
    with translation.override("en"):
        account_pages = _account_pages(user, ordered)
    signed_in_cart = _cart(user, in_stock[:3])
    guest_cart = _cart(None, in_stock[:3])
    signed_in = _session(
        **{
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            COUNT_SESSION_KEY: 3,
        }
    )
    guest = _session(**{CART_SESSION_KEY: guest_cart.pk, COUNT_SESSION_KEY: 3})
    assert signed_in_cart.pk != guest_cart.pk
    with translation.override("en"):
        urls = {
            "bare view": "/bench/bare",
            "home": reverse("catalog:home"),
            "all products, page 1": reverse("catalog:product_list"),
            "category, page 1": reverse("catalog:category", args=[category.slug_en]),
            "deep filtered page": reverse("catalog:product_list")
            + "?sort=price_asc&min_price=100&page=40",
            f"search ?q={word}": reverse("catalog:product_list") + f"?q={word}",
            f"search with a typo ?q={typo}": reverse("catalog:product_list") + f"?q={typo}",
            # What the search box asks while a visitor types the first letters of a word.
            f"search suggestions ?q={word[:4]}": reverse("catalog:suggest") + f"?q={word[:4]}",
            "product": reverse("catalog:product", args=[product.slug_en]),
            "cart with 3 items": reverse("orders:cart"),
            "checkout": reverse("orders:checkout"),
            **account_pages,
        }
    method = ShippingMethod.objects.filter(is_active=True).order_by("position", "pk").first()
    return {
        "urls": urls,
        "cookies": {
            "anonymous": "",
            "guest": f"sessionid={guest}",
            "signed in": f"sessionid={signed_in}",
        },
        "account_pages": list(account_pages),
        "placement_variants": [v.pk for v in in_stock[3:]],
        "placement_product": product.slug_en,
        "shipping_method": method.pk,
    }


def targets(plan: dict) -> list[tuple[str, str, str]]:
    """(label, url, who) in the order they are measured."""
    urls, rows = plan["urls"], [("bare view", plan["urls"]["bare view"], "anonymous")]
    own = plan["account_pages"]
    pages = [k for k in urls if k not in ("bare view", "cart with 3 items", "checkout", *own)]
    rows += [(label, urls[label], "anonymous") for label in pages]
    rows += [(label, urls[label], "signed in") for label in pages]
    rows += [("cart with 3 items", urls["cart with 3 items"], "guest")]
    rows += [("cart with 3 items", urls["cart with 3 items"], "signed in")]
    rows += [(label, urls[label], "signed in") for label in own]
    return rows


def statements(url: str, cookie: str) -> int:
    """SQL statements of one request as measured (a warm cache; transaction control not counted)."""
    client = Client(HTTP_HOST="127.0.0.1")
    if cookie:
        name, value = cookie.split("=", 1)
        client.cookies[name] = value
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return sum(
        1
        for q in captured.captured_queries
        if not q["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)
    )


# --- Measuring over HTTP ------------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url: str, cookie: str) -> dict:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{PORT}{url}"], capture_output=True, text=True, check=True
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p50_ms": _ms(re.search(r"\s50%\s+([\d.]+\w+)", output)[1]),
        "p99_ms": _ms(re.search(r"\s99%\s+([\d.]+\w+)", output)[1]),
        "errors": int(non_2xx[1]) if non_2xx else 0,
    }


class Browser:
    """A guest's browser: one connection, cookies kept."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, form: dict | None = None) -> tuple[int, str]:
        conn = HTTPConnection("127.0.0.1", PORT, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{PORT}{url}"
        conn.request(method, url, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        conn.close()
        return response.status, text


def _hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html)[1]


def _shown_totals(html: str) -> dict:
    """The hidden token and totals of a checkout page, as its form would submit them."""
    return {name: _hidden(html, name) for name in ("token", "items_total", "grand_total")}


def placements(plan: dict) -> dict:
    """Guests placing cash-on-delivery orders one after another; the place-order POST is timed."""
    with translation.override("en"):
        add_url, checkout_url = reverse("orders:cart_add"), reverse("orders:checkout")
        product_url = reverse("catalog:product", args=[plan["placement_product"]])
    times = []
    for number, variant_id in enumerate(plan["placement_variants"]):
        browser = Browser()
        _, page = browser.request("GET", product_url)
        token = _hidden(page, "csrfmiddlewaretoken")
        status, _ = browser.request(
            "POST", add_url, {"variant": variant_id, "quantity": 1, "csrfmiddlewaretoken": token}
        )
        assert status == 302, status
        _, page = browser.request("GET", checkout_url)
        form = {
            "csrfmiddlewaretoken": _hidden(page, "csrfmiddlewaretoken"),
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
        # As a browser does while the form is filled: the page refreshes its totals (shipping
        # and fees included), and the form carries what it showed.
        _, page = browser.request("POST", checkout_url, {**form, "action": "refresh"})
        form.update(_shown_totals(page))
        started = time.perf_counter()
        status, _ = browser.request("POST", checkout_url, form)
        if number >= PLACEMENT_WARMUP:
            times.append((time.perf_counter() - started) * 1000)
        assert status == 302, f"placement answered {status}"
    times.sort()
    return {
        "rps": round(len(times) / (sum(times) / 1000), 1),
        "p50_ms": statistics.median(times),
        "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))],
        "count": len(times),
    }


def placement_statements(plan: dict) -> int:
    """The SQL statements of one guest placement POST, counted in process."""
    from catalog.models import Variant

    variant = Variant.objects.filter(sku__startswith="BENCH-", product__in_stock=True).last()
    client = Client(HTTP_HOST="127.0.0.1")
    with translation.override("en"):
        client.post(reverse("orders:cart_add"), {"variant": variant.pk, "quantity": 1})
        form = {
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
        page = client.post(reverse("orders:checkout"), {**form, "action": "refresh"})
        form.update(_shown_totals(page.content.decode()))
        with CaptureQueriesContext(connection) as captured:
            response = client.post(reverse("orders:checkout"), form)
    assert response.status_code == 302, response.status_code
    return sum(
        1
        for q in captured.captured_queries
        if not q["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)
    )


# --- The run ------------------------------------------------------------------------------------


def serve() -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "shop.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if Browser().request("GET", "/bench/bare")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def check(plan: dict) -> None:
    """`pages.py --check`: each page answers 200 to its visitor, in process (no gunicorn, no
    wrk), with its SQL statements; a quick look before a long run."""
    failed = []
    for label, url, who in targets(plan):
        client = Client(HTTP_HOST="127.0.0.1")
        if plan["cookies"][who]:
            name, value = plan["cookies"][who].split("=", 1)
            client.cookies[name] = value
        status = client.get(url).status_code
        queries = statements(url, plan["cookies"][who]) if url != "/bench/bare" else 0
        print(f"{status} {label} ({who}): {url}, {queries} SQL statements", flush=True)
        if status != 200:
            failed.append(label)
    if failed:
        raise SystemExit(f"not 200: {', '.join(failed)}")


def main() -> None:
    plan = prepare()
    rows = targets(plan)
    if "--check" in sys.argv[1:]:
        check(plan)
        return
    server = serve()
    try:
        for label, url, who in rows:  # warm: thumbnails made, caches filled
            browser = Browser()
            if plan["cookies"][who]:
                name, value = plan["cookies"][who].split("=", 1)
                browser.cookies[name] = value
            for _ in range(2):
                status, _page = browser.request("GET", url)
                if status != 200:
                    raise SystemExit(f"{label} ({who}) answered {status}: {url}")
        runs: dict[tuple[str, str], list[dict]] = {}
        for run in range(RUNS):
            for label, url, who in rows:
                result = wrk(url, plan["cookies"][who])
                runs.setdefault((label, who), []).append(result)
                print(
                    f"run {run + 1}/{RUNS} {label} ({who}): {result['rps']:.0f} req/s", flush=True
                )
        placement = placements(plan)
    finally:
        server.terminate()
        server.wait(timeout=30)
    bare = statistics.median(r["rps"] for r in runs[("bare view", "anonymous")])
    table = []
    for label, url, who in rows:
        results = runs[(label, who)]
        rps = statistics.median(r["rps"] for r in results)
        table.append(
            {
                "page": label,
                "visitor": who,
                "url": url,
                "rps": round(rps, 1),
                "p50_ms": round(statistics.median(r["p50_ms"] for r in results), 2),
                "p99_ms": round(statistics.median(r["p99_ms"] for r in results), 2),
                "queries": statements(url, plan["cookies"][who]) if url != "/bench/bare" else 0,
                "ratio_to_bare": round(rps / bare, 3),
                "runs": results,
            }
        )
    table.append(
        {
            "page": "place order (guest, cash on delivery)",
            "visitor": "guest",
            "url": plan["urls"]["checkout"],
            "rps": placement["rps"],
            "p50_ms": round(placement["p50_ms"], 2),
            "p99_ms": round(placement["p99_ms"], 2),
            "queries": placement_statements(plan),
            "ratio_to_bare": round(placement["rps"] / bare, 3),
            "runs": [placement],
            "note": "one client, one order after another; the POST alone is timed",
        }
    )
    result = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "python": platform.python_version(),
        },
        "setup": {
            "server": "gunicorn shop.wsgi --workers 2 (sync)",
            "wrk": f"-t2 -c{CONNECTIONS} -d{DURATION}s --latency, median of {RUNS} runs",
            "database": connection.vendor,
            "page_cache": bool(settings.PAGE_CACHE_ENABLED),
            "products": int(os.environ.get("BENCH_PRODUCTS", "10000")),
        },
        "pages": table,
    }
    out = ROOT / "bench" / "results" / f"{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print()
    print("| page | visitor | req/s | p50 ms | p99 ms | queries | × bare view |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for row in table:
        print(
            f"| {row['page']} | {row['visitor']} | {row['rps']:.0f} | {row['p50_ms']:.1f} | "
            f"{row['p99_ms']:.1f} | {row['queries']} | {row['ratio_to_bare']:.3f} |"
        )
    print(f"\nWritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
