"""Browser notifications around the sending: the keys (a development pair made once, the deploy
checks), the service worker at the site root under the policy, and the pages' toggles."""

import json
from io import StringIO

import pytest
from django.core.checks import ERROR, WARNING
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from crm.notifications.models import ConsentCurrent, PushSubscription
from crm.notifications.push import vapid_public_key_of
from crm.notifications.services import push_subscription_save
from tests.factories import StaffFactory, UserFactory
from tests.orders.fulfilment_helpers import packed_order
from tests.orders.helpers import signed_in_client
from tests.shop.test_deploy_checks import _deploy_messages, production  # noqa: F401
from tests.vapid import vapid_pair

pytestmark = pytest.mark.django_db


# --- Keys ---------------------------------------------------------------------------------------


def test_the_development_pair_is_made_once_and_is_a_real_pair(settings, tmp_path):
    settings.WEB_PUSH_VAPID_DEV_FILE = tmp_path / "web_push_vapid.json"
    settings.WEB_PUSH_VAPID_PRIVATE_KEY = ""

    call_command("web_push_keys", "--dev", stdout=StringIO())
    pair = json.loads(settings.WEB_PUSH_VAPID_DEV_FILE.read_text())
    assert vapid_public_key_of(pair["private_key"]) == pair["public_key"]
    assert settings.WEB_PUSH_VAPID_DEV_FILE.stat().st_mode & 0o077 == 0  # the owner's only

    out = StringIO()
    call_command("web_push_keys", "--dev", stdout=out)  # the next `make run`
    assert json.loads(settings.WEB_PUSH_VAPID_DEV_FILE.read_text()) == pair
    assert "already" in out.getvalue()


def test_the_command_prints_a_pair_for_the_environment():
    out = StringIO()
    call_command("web_push_keys", stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().split())
    public = lines["WEB_PUSH_VAPID_PUBLIC_KEY"]
    assert vapid_public_key_of(lines["WEB_PUSH_VAPID_PRIVATE_KEY"]) == public


def _push_messages() -> list:
    return [m for m in _deploy_messages() if m.id.startswith("notifications.")]


def test_production_with_its_own_pair_passes(production):  # noqa: F811
    assert _deploy_messages() == []


def test_production_refuses_the_development_pair(production, tmp_path):  # noqa: F811
    production.WEB_PUSH_VAPID_DEV_FILE = tmp_path / "web_push_vapid.json"
    public, private = vapid_pair()
    production.WEB_PUSH_VAPID_DEV_FILE.write_text(
        json.dumps({"public_key": public, "private_key": private})
    )
    production.WEB_PUSH_VAPID_PUBLIC_KEY, production.WEB_PUSH_VAPID_PRIVATE_KEY = public, private

    [message] = _push_messages()
    assert (message.id, message.level) == ("notifications.E001", ERROR)
    assert "development pair" in message.msg
    production.HTTPS = False  # plain HTTP trials: a warning, like the shop's other leftovers
    assert {m.level for m in _push_messages()} == {WARNING}


def test_production_without_keys_only_warns_that_push_is_off(production):  # noqa: F811
    production.WEB_PUSH_VAPID_PUBLIC_KEY = production.WEB_PUSH_VAPID_PRIVATE_KEY = ""
    [message] = _deploy_messages()
    assert (message.id, message.level) == ("notifications.W001", WARNING)
    assert "browser notifications are off" in message.msg


@pytest.mark.parametrize(
    ("setting", "value", "code"),
    [
        ("WEB_PUSH_VAPID_PRIVATE_KEY", "not-a-key", "notifications.E002"),
        ("WEB_PUSH_VAPID_PUBLIC_KEY", "another pair's", "notifications.E002"),
        ("WEB_PUSH_CONTACT", "", "notifications.E003"),
        ("WEB_PUSH_CONTACT", "ops@example.com", "notifications.E003"),
    ],
)
def test_production_refuses_a_broken_pair_or_no_contact(production, setting, value, code):  # noqa: F811
    setattr(production, setting, vapid_pair()[0] if value == "another pair's" else value)
    [message] = _deploy_messages()
    assert (message.id, message.level) == (code, ERROR)
    assert setting in message.msg


# --- The service worker -------------------------------------------------------------------------


def test_the_service_worker_is_served_from_the_site_root_under_the_policy(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert 'addEventListener("push"' in body and "showNotification" in body
    assert 'addEventListener("notificationclick"' in body
    assert client.get("/en/sw.js").status_code == 404  # one worker, at the root only
    assert client.post("/sw.js").status_code == 405

    policy = client.get("/").headers["Content-Security-Policy"]
    assert "worker-src 'self'" in policy


# --- The pages ----------------------------------------------------------------------------------


def test_the_order_page_offers_notifications_to_its_signed_in_owner_only(client):
    owner = UserFactory(verified=True)
    order = packed_order(user=owner)
    url = reverse("orders:confirmation", args=[order.number])

    page = signed_in_client(owner).get(url).content.decode()
    assert "data-web-push" in page
    assert "Bildirimleri aç" in page
    assert 'data-source="order_page"' in page
    assert "Tarayıcı bildirimleri için JavaScript gerekir" in page  # the <noscript> note
    assert 'src="/static/js/web-push.js"' in page

    assert "data-web-push" not in signed_in_client(UserFactory()).get(url).content.decode()


def test_no_toggle_without_a_key_pair(settings):
    settings.WEB_PUSH_VAPID_PUBLIC_KEY = ""
    owner = UserFactory(verified=True)
    order = packed_order(user=owner)
    page = signed_in_client(owner).get(reverse("orders:confirmation", args=[order.number]))
    assert "data-web-push" not in page.content.decode()


def test_message_preferences_turn_notifications_off_in_every_browser_without_javascript(
    fake_push,
):
    customer = UserFactory()
    for _ in range(2):
        push_subscription_save(
            user=customer, subscription=fake_push.browser().subscription(), source="profile"
        )
    client = signed_in_client(customer)
    with translation.override("en"):
        url = reverse("crm:message_preferences")
    page = client.get(url).content.decode()
    assert 'data-source="profile"' in page
    assert "Notifications for your orders are on in 2 browsers." in page

    response = client.post(reverse("notifications:push_off"), {"next": url}, follow=True)

    assert response.redirect_chain[-1][0] == url
    assert "Browser notifications are off in all your browsers." in response.content.decode()
    assert not PushSubscription.objects.exists()
    assert not ConsentCurrent.objects.get(user=customer, channel="push").granted
    # A link elsewhere is not followed.
    response = client.post(reverse("notifications:push_off"), {"next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_staff_see_the_subscriptions_read_only_with_their_own_permission(fake_push):
    customer = UserFactory(email="abone@example.com")
    push_subscription_save(
        user=customer, subscription=fake_push.browser().subscription(), source="profile"
    )
    agent = StaffFactory(is_superuser=False)
    client = signed_in_client(agent)
    with translation.override("en"):
        url = reverse("admin:notifications_pushsubscription_changelist")
    assert client.get(url).status_code == 403
    from django.contrib.auth.models import Permission

    agent.user_permissions.add(Permission.objects.get(codename="view_pushsubscription"))
    page = client.get(url)
    assert page.status_code == 200
    assert "abone@example.com" in page.content.decode()
    row = PushSubscription.objects.get()
    change = client.get(
        reverse("admin:notifications_pushsubscription_change", args=[row.pk])
    ).content.decode()
    assert row.endpoint not in change  # staff need not see the browser's address
    assert 'name="user_agent"' not in change  # read-only
