"""Sign up, verify the email, log out and log in again, in a real browser on a phone."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from crm.notifications.models import Message
from shop.models import User
from tests.conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.redis
def test_sign_up_verify_email_and_log_in(page: Page, live_server, celery_worker, tmp_path):
    """The welcome email goes out through the real Celery worker and Redis."""
    screenshots = tmp_path
    page.goto(f"{live_server.url}/en/account/signup/")
    page.get_by_label("Email:", exact=True).fill("newcomer@example.com")
    page.get_by_label("Password:", exact=True).fill("a-Long-and-unique-pass-42")
    page.get_by_label("Password (again)").fill("a-Long-and-unique-pass-42")
    page.get_by_role("button", name="Sign Up").click()

    # A new account signs in only once its address is verified: the page says to check the mail.
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    page.goto(f"{live_server.url}/en/account/")
    expect(page.get_by_role("button", name="Sign In")).to_be_visible()  # not signed in yet
    user = User.objects.get(email="newcomer@example.com")
    assert user.language == "en"

    welcome = Message.objects.get(user=user, kind="welcome")
    assert wait_until(lambda: Message.objects.get(pk=welcome.pk).status == "sent")
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == ["Welcome to Dükkan", "[Dükkan] Please Confirm Your Email Address"]
    message = next(m for m in mail.outbox if "Confirm" in m.subject)
    assert message.to == ["newcomer@example.com"]
    link = re.search(r"https?://\S+/account/confirm-email/\S+/", message.body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
    assert user.emailaddress_set.get().verified

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()

    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email:", exact=True).fill("newcomer@example.com")
    page.get_by_label("Password").fill("a-Long-and-unique-pass-42")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("Signed in as newcomer@example.com.", exact=True)).to_be_visible()
    page.screenshot(path=str(screenshots / "account.png"), full_page=True)


def test_language_switch_in_the_browser_renders_turkish(page: Page, live_server):
    page.goto(f"{live_server.url}/en/")
    expect(page.get_by_role("link", name="Cart")).to_be_visible()
    page.get_by_role("button", name="Türkçe").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "tr")
    expect(page.get_by_role("link", name="Giriş yap")).to_be_visible()
