"""Browser notifications (Web Push): a signed-in customer subscribes a browser; each order step
goes through the outbox once as a push to the local fake push service (which checks the VAPID
signature and decrypts the payload as the browser would); a 410 removes the subscription; no
consent, no push; bad input changes nothing."""

import json

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from crm.notifications.models import Consent, ConsentCurrent, Message, PushSubscription, Status
from crm.notifications.services import (
    consent_set,
    message_deliver,
    push_subscription_remove,
    push_subscription_save,
    push_turn_off,
)
from orders import services as order_services
from orders.messages import order_message_schedule
from orders.models import Order
from tests.conftest import wait_until
from tests.factories import UserFactory
from tests.orders.fulfilment_helpers import packed_order, simulated_carrier
from tests.orders.helpers import shipping_setup, signed_in_client

pytestmark = pytest.mark.django_db

SUBSCRIBE = "notifications:push_subscribe"


def _subscribe(client, subscription: object, source: str = "order_page"):
    return client.post(
        reverse(SUBSCRIBE),
        json.dumps({"subscription": subscription, "source": source}),
        content_type="application/json",
    )


def _subscribed(customer, fake_push, source: str = "order_page"):
    browser = fake_push.browser()
    push_subscription_save(user=customer, subscription=browser.subscription(), source=source)
    return browser


def _ship(order: Order, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_ship(
            order=order, carrier=simulated_carrier(), tracking_number="PUSH-1"
        )


def _push_rows(order: Order):
    return Message.objects.filter(subject_id=str(order.pk), channel="push").order_by("pk")


# --- Subscribing ------------------------------------------------------------------------------


def test_a_signed_in_customer_subscribes_a_browser_and_gives_consent_with_history(fake_push):
    customer = UserFactory(email="bildirim@example.com")
    browser = fake_push.browser()
    client = signed_in_client(customer)

    response = _subscribe(client, browser.subscription())

    assert response.status_code == 201
    assert response.json()["message"] == "Siparişlerinizin bildirimleri bu tarayıcıda açık."
    row = PushSubscription.objects.get(user=customer)
    assert row.endpoint == browser.endpoint
    decision = Consent.objects.get(user=customer, channel="push")
    assert (decision.granted, decision.source, decision.recipient) == (
        True,
        "order_page",
        "bildirim@example.com",
    )
    assert ConsentCurrent.objects.get(user=customer, channel="push").granted
    # The same browser again (a page reload) changes nothing: one row, one decision.
    assert _subscribe(client, browser.subscription(), source="profile").status_code == 201
    assert PushSubscription.objects.count() == 1
    assert Consent.objects.filter(user=customer, channel="push").count() == 1


@pytest.mark.parametrize(
    "subscription",
    [
        None,
        "https://fcm.googleapis.com/fcm/send/abc",
        {"endpoint": "http://127.0.0.1:9/push/x"},  # no keys
        {"endpoint": 42, "keys": {"p256dh": "a", "auth": "b"}},
        "short-p256dh",
        "short-auth",
        "not-base64",
        "foreign-host",
        "plain-http-outside",
        "credentials-in-url",
    ],
)
def test_what_is_not_a_subscription_is_refused_clearly_and_changes_nothing(subscription, fake_push):
    customer = UserFactory(verified=True)
    good = fake_push.browser().subscription()
    broken = {
        "short-p256dh": {**good, "keys": {**good["keys"], "p256dh": good["keys"]["p256dh"][:40]}},
        "short-auth": {**good, "keys": {**good["keys"], "auth": "AAAA"}},
        "not-base64": {**good, "keys": {**good["keys"], "p256dh": "***" * 30}},
        "foreign-host": {**good, "endpoint": "https://evil.example/push/1"},
        "plain-http-outside": {**good, "endpoint": "http://fcm.googleapis.com/fcm/send/1"},
        "credentials-in-url": {**good, "endpoint": good["endpoint"].replace("//", "//u:p@")},
    }
    posted = (
        broken.get(subscription, subscription) if isinstance(subscription, str) else subscription
    )
    response = _subscribe(signed_in_client(customer), posted)

    assert response.status_code == 400
    assert response.json()["error"] in {
        "Bu bir tarayıcı bildirim aboneliği değil.",
        "Bu tarayıcının bildirim hizmeti üzerinden bildirim gönderemiyoruz.",
    }
    assert not PushSubscription.objects.exists()
    assert not Consent.objects.filter(channel="push").exists()


def test_a_body_that_is_not_json_is_refused_in_english_too(fake_push):
    client = signed_in_client(UserFactory())
    with translation.override("en"):
        url = reverse(SUBSCRIBE)
    response = client.post(url, b"{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"error": "This is not a browser push subscription."}
    assert not PushSubscription.objects.exists()


def test_a_browser_subscribed_for_another_account_is_refused_and_stays_theirs(fake_push):
    owner, other = UserFactory(), UserFactory()
    browser = _subscribed(owner, fake_push)

    response = _subscribe(signed_in_client(other), browser.subscription())

    assert response.status_code == 400
    assert response.json()["error"].startswith(
        "Bu tarayıcı zaten başka bir hesabın bildirimlerini alıyor."
    )
    assert PushSubscription.objects.get().user == owner
    assert not Consent.objects.filter(user=other).exists()
    # Nor can the other account turn it off.
    response = signed_in_client(other).post(
        reverse("notifications:push_unsubscribe"),
        json.dumps({"endpoint": browser.endpoint, "source": "profile"}),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert PushSubscription.objects.get().user == owner
    assert ConsentCurrent.objects.get(user=owner, channel="push").granted


def test_signed_out_visitors_cannot_subscribe(client, fake_push):
    response = _subscribe(client, fake_push.browser().subscription())
    assert response.status_code == 403
    assert response.json()["error"] == "Siparişlerinizin bildirimlerini açmak için giriş yapın."
    assert not PushSubscription.objects.exists()


def test_the_last_browser_turned_off_withdraws_the_consent(fake_push):
    customer = UserFactory(verified=True)
    first, second = _subscribed(customer, fake_push), _subscribed(customer, fake_push)

    left = push_subscription_remove(user=customer, endpoint=first.endpoint, source="profile")
    assert left == 1
    assert ConsentCurrent.objects.get(user=customer, channel="push").granted
    push_subscription_remove(user=customer, endpoint=second.endpoint, source="profile")
    assert not ConsentCurrent.objects.get(user=customer, channel="push").granted
    assert list(
        Consent.objects.filter(user=customer, channel="push")
        .order_by("pk")
        .values_list("granted", flat=True)
    ) == [True, False]


# --- Sending ----------------------------------------------------------------------------------


def test_a_shipped_order_sends_one_push_with_a_valid_vapid_signature(
    fake_push, django_capture_on_commit_callbacks
):
    shipping_setup()
    customer = UserFactory(verified=True, language="tr")
    browser = _subscribed(customer, fake_push)
    order = packed_order(user=customer)

    _ship(order, django_capture_on_commit_callbacks)

    [push] = fake_push.pushes_to(browser)
    assert fake_push.rejections == []
    assert push.vapid_key == settings.WEB_PUSH_VAPID_PUBLIC_KEY
    assert push.claims["sub"] == "mailto:push-test@dukkan.local"
    assert push.claims["aud"] == fake_push.base_url
    assert push.ttl == str(settings.WEB_PUSH_TTL_SECONDS)
    assert push.payload["title"] == f"{order.number} numaralı siparişiniz kargoya verildi"
    assert push.payload["body"].startswith(f"{order.number} numaralı siparişiniz yola çıktı.")
    assert "PUSH-1" in push.payload["body"]
    assert push.payload["url"].endswith(f"/orders/{order.number}/")
    assert push.payload["tag"] == f"order-{order.pk}"
    [row] = _push_rows(order)
    assert (row.kind, row.status, row.user) == ("order_shipped", Status.SENT, customer)
    assert row.provider_message_id == "web push: 1 of 1 browsers"
    assert PushSubscription.objects.get().last_used_at is not None
    # Email and SMS went as before.
    assert Message.objects.filter(subject_id=str(order.pk), kind="order_shipped").count() == 3

    # The same step scheduled again (a retry, a second worker) sends nothing more.
    event = order.events.get(to_status="shipped")
    with django_capture_on_commit_callbacks(execute=True):
        order_message_schedule(order=order, status="shipped", event=event)
    assert len(fake_push.pushes_to(browser)) == 1
    assert _push_rows(order).count() == 1


def test_every_step_goes_to_every_browser_in_the_customers_language(
    fake_push, django_capture_on_commit_callbacks
):
    shipping_setup()
    customer = UserFactory(verified=True, language="en")
    phone, laptop = _subscribed(customer, fake_push), _subscribed(customer, fake_push)
    order = packed_order(user=customer, language="en")
    _ship(order, django_capture_on_commit_callbacks)
    for step in ("in_transit", "out_for_delivery", "delivered"):
        with django_capture_on_commit_callbacks(execute=True):
            order_services.order_step(order=Order.objects.get(pk=order.pk), to=step)

    for browser in (phone, laptop):
        titles = [push.payload["title"] for push in fake_push.pushes_to(browser)]
        assert titles == [
            f"Your order {order.number} has shipped",
            f"Your order {order.number} is out for delivery",
            f"Your order {order.number} has been delivered",
        ]
    assert list(_push_rows(order).values_list("kind", flat=True)) == [
        "order_shipped",
        "order_out_for_delivery",
        "order_delivered",
    ]
    # Steps outside the push kinds (the confirmation) went by email only.
    assert not Message.objects.filter(channel="push", kind="order_confirmed").exists()


def test_a_410_removes_the_subscription_and_the_message_says_why(
    fake_push, django_capture_on_commit_callbacks
):
    shipping_setup()
    customer = UserFactory(verified=True)
    browser = _subscribed(customer, fake_push)
    fake_push.mark_gone(browser)
    order = packed_order(user=customer)

    _ship(order, django_capture_on_commit_callbacks)

    assert not PushSubscription.objects.exists()
    [row] = _push_rows(order)
    assert row.status == Status.FAILED
    assert "expired" in row.last_error
    # Her choice stays (it was the browser that dropped the subscription); the next step is not
    # queued for push at all, since no browser is left.
    assert ConsentCurrent.objects.get(user=customer, channel="push").granted
    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_step(order=Order.objects.get(pk=order.pk), to="in_transit")
        order_services.order_step(order=Order.objects.get(pk=order.pk), to="out_for_delivery")
    assert _push_rows(order).count() == 1


def test_one_expired_browser_of_two_is_removed_and_the_other_still_gets_the_push(
    fake_push, django_capture_on_commit_callbacks
):
    shipping_setup()
    customer = UserFactory(verified=True)
    gone, kept = _subscribed(customer, fake_push), _subscribed(customer, fake_push)
    fake_push.mark_gone(gone)
    order = packed_order(user=customer)

    _ship(order, django_capture_on_commit_callbacks)

    assert len(fake_push.pushes_to(kept)) == 1
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [kept.endpoint]
    assert _push_rows(order).get().status == Status.SENT


def test_a_push_service_in_trouble_is_retried_later_without_a_duplicate(
    fake_push, django_capture_on_commit_callbacks
):
    shipping_setup()
    customer = UserFactory(verified=True)
    browser = _subscribed(customer, fake_push)
    order = packed_order(user=customer)
    fake_push.fail_with = 503

    _ship(order, django_capture_on_commit_callbacks)

    row = _push_rows(order).get()
    assert (row.status, row.attempts) == (Status.QUEUED, 1)
    assert "503" in row.last_error
    fake_push.fail_with = None
    Message.objects.filter(pk=row.pk).update(not_before=row.created_at)
    message_deliver(message_id=row.pk)
    assert _push_rows(order).get().status == Status.SENT
    assert len(fake_push.pushes_to(browser)) == 1


def test_no_push_without_consent(fake_push, django_capture_on_commit_callbacks):
    shipping_setup()
    never_asked = UserFactory(verified=True)
    order = packed_order(user=never_asked)
    _ship(order, django_capture_on_commit_callbacks)
    assert not _push_rows(order).exists()

    # Turned off in every browser: the browsers are forgotten, and nothing is queued.
    turned_off = UserFactory(verified=True)
    _subscribed(turned_off, fake_push)
    push_turn_off(user=turned_off, source="profile")
    assert not PushSubscription.objects.filter(user=turned_off).exists()
    order = packed_order(user=turned_off)
    _ship(order, django_capture_on_commit_callbacks)
    assert not _push_rows(order).exists()
    assert fake_push.pushes == []


def test_consent_withdrawn_between_queueing_and_sending_stops_the_push(
    fake_push, django_capture_on_commit_callbacks
):
    shipping_setup()
    customer = UserFactory(verified=True)
    browser = _subscribed(customer, fake_push)
    order = packed_order(user=customer)
    order_services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="Q1")
    row = _push_rows(order).get()  # queued, not sent yet (the transaction has not committed)

    # An agent records the "no" on a call before the worker gets to the message.
    consent_set(user=customer, channel="push", granted=False, source="staff")
    message_deliver(message_id=row.pk)

    row.refresh_from_db()
    assert (row.status, row.status_reason) == (Status.SUPPRESSED, "no consent")
    assert fake_push.pushes_to(browser) == []


def test_a_guest_order_sends_no_push(fake_push, django_capture_on_commit_callbacks):
    shipping_setup()
    order = packed_order()
    _ship(order, django_capture_on_commit_callbacks)
    assert not _push_rows(order).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.redis
def test_a_step_reaches_the_browser_through_the_real_worker(fake_push, celery_worker):
    shipping_setup()
    customer = UserFactory(verified=True)
    browser = _subscribed(customer, fake_push)
    order = packed_order(user=customer)

    order_services.order_ship(order=order, carrier=simulated_carrier(), tracking_number="W-1")

    assert wait_until(lambda: _push_rows(order).filter(status=Status.SENT).exists())
    [push] = fake_push.pushes_to(browser)
    assert push.payload["tag"] == f"order-{order.pk}"
    assert fake_push.rejections == []


def test_an_account_keeps_its_ten_newest_browsers(fake_push):
    customer = UserFactory()
    browsers = [_subscribed(customer, fake_push) for _ in range(11)]
    kept = set(PushSubscription.objects.filter(user=customer).values_list("endpoint", flat=True))
    assert kept == {browser.endpoint for browser in browsers[1:]}


def test_the_data_export_lists_the_browsers_and_an_erasure_forgets_them(fake_push):
    from crm.privacy.selectors import privacy_export
    from crm.privacy.services import account_erase

    customer = UserFactory()
    browser = _subscribed(customer, fake_push)
    [exported] = privacy_export(user=customer)["push_subscriptions"]
    assert exported["endpoint"] == browser.endpoint

    account_erase(user=customer)
    assert not PushSubscription.objects.exists()
    assert not ConsentCurrent.objects.get(user=customer, channel="push").granted


def test_the_page_asks_whether_this_browser_is_on_and_turns_it_off(fake_push):
    customer = UserFactory()
    browser = _subscribed(customer, fake_push, source="profile")
    client = signed_in_client(customer)

    def post(name: str, body: dict):
        return client.post(reverse(name), json.dumps(body), content_type="application/json")

    assert post("notifications:push_status", {"endpoint": browser.endpoint}).json() == {
        "subscribed": True
    }
    other = fake_push.browser()
    assert post("notifications:push_status", {"endpoint": other.endpoint}).json() == {
        "subscribed": False
    }
    assert client.get(reverse("notifications:push_status")).status_code == 405

    response = post(
        "notifications:push_unsubscribe", {"endpoint": browser.endpoint, "source": "profile"}
    )
    assert response.status_code == 200
    assert response.json() == {"subscribed": False, "message": "Bildirimler bu tarayıcıda kapalı."}
    assert not PushSubscription.objects.exists()
    decision = Consent.objects.filter(user=customer, channel="push").latest("pk")
    assert (decision.granted, decision.source) == (False, "profile")
    # Again: not (any more) this account's browser, nothing changes.
    response = post(
        "notifications:push_unsubscribe", {"endpoint": browser.endpoint, "source": "profile"}
    )
    assert response.status_code == 404
    assert response.json()["error"] == "Bu tarayıcı hesabınızın bildirimlerini almıyor."
    assert Consent.objects.filter(user=customer, channel="push").count() == 2


def test_without_a_key_pair_nobody_can_subscribe(fake_push, settings):
    settings.WEB_PUSH_VAPID_PRIVATE_KEY = ""
    response = _subscribe(signed_in_client(UserFactory()), fake_push.browser().subscription())
    assert response.status_code == 400
    assert response.json()["error"] == "Tarayıcı bildirimleri şu anda kullanılamıyor."
    assert not PushSubscription.objects.exists()
