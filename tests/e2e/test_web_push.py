"""Browser notifications, in Turkish on a phone: a signed-in customer turns them on from the
order page, the service worker (/sw.js) registers, the shop keeps the browser's subscription;
when the order ships the shop's push (checked and decrypted by the local fake push service) is
handed to the browser through the DevTools protocol and the service worker shows it.

Chromium here cannot subscribe at a real push service (`pushManager.subscribe` needs Google's,
and there is no internet): the page's button is pressed and says so, then the page posts a
browser-like subscription of the fake push service the way its script would.
"""

import json

import pytest
from playwright.sync_api import Browser, Page, expect

from crm.notifications.models import Consent, PushSubscription
from orders import services
from tests.conftest import wait_until
from tests.factories import UserFactory
from tests.orders.fulfilment_helpers import packed_order, simulated_carrier
from tests.orders.helpers import shipping_setup

from .helpers import PHONE, log_in, watch_for_errors

pytestmark = pytest.mark.django_db(transaction=True)

POST_SUBSCRIPTION = """([subscription]) => {
  const section = document.querySelector("[data-web-push]");
  return fetch(section.dataset.subscribeUrl, {
    method: "POST",
    credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRFToken": section.dataset.csrfToken},
    body: JSON.stringify({subscription, source: section.dataset.source}),
  }).then((response) => response.json().then((data) => [response.status, data]));
}"""

NOTIFICATIONS = """() => navigator.serviceWorker.ready
  .then((registration) => registration.getNotifications())
  .then((shown) => shown.map(
    (n) => ({title: n.title, body: n.body, tag: n.tag, url: n.data.url})
  ))"""


def _active_registration_id(cdp, page: Page, scope: str) -> str:
    """The service worker registration of `scope`, as the DevTools protocol names it, once its
    worker is activated (a push to a registration still installing is dropped)."""
    registrations: dict[str, str] = {}
    activated: set[str] = set()
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.update(
            {r["scopeURL"]: r["registrationId"] for r in event["registrations"]}
        ),
    )
    cdp.on(
        "ServiceWorker.workerVersionUpdated",
        lambda event: activated.update(
            v["registrationId"] for v in event["versions"] if v["status"] == "activated"
        ),
    )
    cdp.send("ServiceWorker.enable")

    def ready() -> bool:
        page.wait_for_timeout(50)  # lets Playwright dispatch the protocol's events
        return registrations.get(scope) in activated

    assert wait_until(ready, timeout=10)
    return registrations[scope]


def test_a_customer_turns_on_notifications_and_the_service_worker_shows_a_push(
    browser: Browser, live_server, fake_push
):
    shipping_setup()
    customer = UserFactory(verified=True, email="anlik@example.com", language="tr")
    order = packed_order(user=customer, language="tr")
    base = live_server.url
    context = browser.new_context(viewport=PHONE, locale="tr-TR", permissions=["notifications"])
    page = context.new_page()
    errors = watch_for_errors(page)
    log_in(page, base, customer.email)

    page.goto(f"{base}/orders/{order.number}/")
    section = page.locator("[data-web-push]")
    expect(section.get_by_role("heading", name="Bu tarayıcıdaki bildirimler")).to_be_visible()
    button = section.get_by_role("button", name="Bildirimleri aç")
    expect(button).to_be_visible()
    # The service worker registers from the site root and takes the page.
    scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == f"{base}/"

    # No push service is reachable from here: the button asks, and says it could not.
    button.click()
    expect(section.locator("#web-push-status")).to_have_text(
        "Tarayıcınız bildirimleri açamadı. Lütfen daha sonra yeniden deneyin.", timeout=15000
    )
    assert page.evaluate("Notification.permission") == "granted"

    # What the script posts after a successful subscribe, with a subscription of the fake push
    # service (a browser-like P-256 key pair and auth secret).
    phone = fake_push.browser()
    status, answer = page.evaluate(POST_SUBSCRIPTION, [phone.subscription()])
    assert (status, answer["message"]) == (201, "Siparişlerinizin bildirimleri bu tarayıcıda açık.")
    assert PushSubscription.objects.get(user=customer).endpoint == phone.endpoint
    assert Consent.objects.get(user=customer, channel="push").source == "order_page"

    # The order ships: the outbox pushes to the fake push service (VAPID checked, payload
    # decrypted), and that very payload is delivered to the browser's service worker.
    services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="ANLIK-1")
    assert wait_until(lambda: fake_push.pushes_to(phone))
    [push] = fake_push.pushes_to(phone)
    assert fake_push.rejections == []

    cdp = context.new_cdp_session(page)
    registration = _active_registration_id(cdp, page, scope)
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": base, "registrationId": registration, "data": json.dumps(push.payload)},
    )
    assert wait_until(lambda: page.evaluate(NOTIFICATIONS), timeout=10)
    shown = page.evaluate(NOTIFICATIONS)
    assert shown == [
        {
            "title": f"{order.number} numaralı siparişiniz kargoya verildi",
            "body": push.payload["body"],
            "tag": f"order-{order.pk}",
            "url": push.payload["url"],
        }
    ]
    assert "ANLIK-1" in shown[0]["body"]
    # Chromium logs the failed subscribe itself (no push service here); nothing else went wrong.
    assert [e for e in errors if "does not support the Push API" not in e] == [], errors
    context.close()
