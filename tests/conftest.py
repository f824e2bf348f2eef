"""Fixtures for the whole suite: services (PostgreSQL, Redis + a real Celery worker), the fake
Stripe server, and Playwright driving Debian's Chromium against the live server."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest

# Playwright runs an event loop in the test thread; Django must still allow DB access there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REQUIRE_SERVICES = os.environ.get("DUKKAN_REQUIRE_SERVICES") == "1"
CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent


def _missing(reason: str) -> None:
    """Skip a test whose service is missing; in CI a missing service is a failure."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (CI requires it)", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if {"page", "browser"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


def pytest_runtest_setup(item: pytest.Item) -> None:
    from django.conf import settings
    from django.db import connection

    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _missing("needs PostgreSQL: set TEST_DATABASE_URL or start PostgreSQL on 127.0.0.1:5432")
    if item.get_closest_marker("pagecache") and not settings.PAGE_CACHE_ENABLED:
        _missing("needs the page cache's Redis: TEST_PAGE_CACHE_URL is unset")
    if item.get_closest_marker("redis") and not settings.TEST_REDIS_URL:
        _missing("needs Redis: TEST_REDIS_URL is unset (Redis not reachable on 127.0.0.1:6379)")
    if item.get_closest_marker("browser") and not os.path.exists(CHROMIUM):
        _missing(f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    from django.core.cache import cache, caches

    from shop import pagecache

    cache.clear()
    caches["pages"].clear()
    pagecache.forget_kept()
    yield


@pytest.fixture(autouse=True)
def _shop_language() -> Iterator[None]:
    """Each test starts in the shop's default language (Turkish). A request through the test
    client leaves its page's language active in the thread, so without this a test's reverse()
    and rendering would follow whichever test ran before it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _outside_a_task() -> None:
    """Each test starts outside any Celery task, as a fresh process does. Celery keeps "inside
    a task: never wait for a result" in one process-wide flag, which every eager task sets and
    puts back on its way out; eager tasks run in threads at once (placements racing in
    test_concurrency, the live server beside a browser test) can put it back in the wrong
    order and leave it set, so a later test's `task.delay().get()` in this process would
    raise "Never call result.get() within a task" (seen under xdist, whose workers run the
    files in another order than a serial run)."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)


# --- The seeded demo ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup, django_db_blocker) -> Iterator[str]:
    """The whole demo (`seed_demo`: accounts, the 300-product catalog, orders), seeded once per
    module that asks for it (without the fake Stripe server, so the wallet is skipped); yields
    what that first run printed."""
    from django.core.management import call_command

    from tests.factories import seeded_for_module

    out = StringIO()
    with seeded_for_module(django_db_blocker, lambda: call_command("seed_demo", stdout=out)):
        yield out.getvalue()


# --- Celery ----------------------------------------------------------------------------------


@pytest.fixture
def celery_worker(django_db_blocker, monkeypatch) -> Iterator[object]:
    """A real Celery worker in this process, consuming the test queue on the test Redis DB.

    Starting it replaces the root logger's handlers with Celery's (`worker_hijack_root_logger`);
    only the first worker of a process puts the shop's back (its `django.setup()`), so they are
    put back here: a later test (e.g. the redaction on the console handler) sees the shop's
    logging whichever tests ran before it in this process (xdist orders files its own way)."""
    import logging

    from celery.contrib.testing.worker import start_worker

    from shop.celery import app

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)
    try:
        with (
            django_db_blocker.unblock(),
            start_worker(
                app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10
            ) as worker,
        ):
            yield worker
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def wait_until(predicate, *, timeout: float = 10.0, interval: float = 0.05) -> bool:
    """Poll until predicate() is true; for outcomes produced by the background worker."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


# --- Fake Stripe -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_fake_stripe() -> tuple[subprocess.Popen, str] | None:
    """localstripe on a port free a moment ago; None if it could not take it (another process,
    e.g. another xdist worker's server, took the port in between)."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "fake_stripe", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        except OSError:
            if process.poll() is not None:
                return None
            time.sleep(0.1)
            continue
        if process.poll() is None:  # it answers, and it is ours
            return process, f"http://127.0.0.1:{port}"
        return None
    process.terminate()
    process.wait(timeout=10)
    return None


@pytest.fixture(scope="session")
def fake_stripe_server() -> Iterator[str]:
    """localstripe on a free port on 127.0.0.1, for the whole session (each xdist worker has its
    own); yields its base URL."""
    for _attempt in range(3):
        started = _start_fake_stripe()
        if started:
            break
    else:
        pytest.fail("the fake Stripe server (localstripe) did not start")
    process, url = started
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def fake_stripe(fake_stripe_server: str, settings) -> str:
    """Point the Stripe client at the local fake server, wiped clean for this test."""
    import urllib.request

    request = urllib.request.Request(f"{fake_stripe_server}/_config/data", method="DELETE")
    urllib.request.urlopen(request, timeout=5).close()
    settings.STRIPE_API_BASE = fake_stripe_server
    settings.STRIPE_JS_URL = f"{fake_stripe_server}/js.stripe.com/v3/"
    return fake_stripe_server


# --- Browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    # Phone-sized by default: every journey must work on a phone.
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}, "locale": "en-US"}


# --- Fake push service -------------------------------------------------------------------------


@pytest.fixture
def fake_push() -> Iterator[object]:
    """The browser vendors' push service, played on 127.0.0.1 (tests/fakepush.py): it checks the
    VAPID signature, decrypts each push as the browser would and records it."""
    from tests.fakepush import start_fake_push_service

    service, server = start_fake_push_service()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()
