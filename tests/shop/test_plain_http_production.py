"""Production mode on plain HTTP (DJANGO_HTTPS=false): a client on http://127.0.0.1 keeps its
cart. The shop runs in gunicorn with production settings against the test database."""

import http.cookiejar
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from django.db import connection
from django.utils import translation

from tests.conftest import _free_port
from tests.orders.helpers import stocked_variant
from tests.shop.test_settings import PRODUCTION_SECRET, ROOT, _run, subprocess_env

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    db = connection.settings_dict
    credentials = urllib.parse.quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def plain_http_shop(tmp_path) -> Iterator[str]:
    port = _free_port()
    env = {
        "DJANGO_ENV": "production",
        "DJANGO_HTTPS": "false",
        "DJANGO_SECRET_KEY": PRODUCTION_SECRET,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": _database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "DUKKAN_VAR_DIR": str(tmp_path),
    }
    collected = _run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], **env)
    assert collected.returncode == 0, collected.stderr
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "shop.wsgi", "--workers=1", f"--bind=127.0.0.1:{port}"],
        cwd=ROOT,
        env=subprocess_env(**env),
        stdout=log,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail((tmp_path / "gunicorn.log").read_text())
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_a_browser_on_plain_http_keeps_its_cart_in_production_mode(plain_http_shop):
    variant = stocked_variant()
    with translation.override("en"):
        product_path = variant.product.get_absolute_url()
    # urllib's cookie jar behaves like a browser: a Secure cookie never goes back over HTTP.
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    page = browser.open(plain_http_shop + product_path, timeout=10)
    assert page.url == plain_http_shop + product_path  # no redirect to https
    assert "Strict-Transport-Security" not in page.headers
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
    assert token, "the product page has an add-to-cart form"
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "variant": variant.pk, "quantity": 2}
    ).encode()
    added = browser.open(plain_http_shop + "/en/cart/add/", data=form, timeout=10)
    assert added.status == 200

    cookies = {cookie.name: cookie for cookie in jar}
    assert "sessionid" in cookies
    assert not any(cookie.secure for cookie in jar)
    cart = browser.open(plain_http_shop + "/en/cart/", timeout=10).read().decode()
    assert variant.product.name_en in cart
