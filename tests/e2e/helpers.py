"""Steps the browser journeys share: signing in and typing a card into the fake Stripe.js."""

from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD

TEST_CARD_EXPIRY = ("12", "31")


def log_in(page: Page, base: str, email: str) -> None:
    """Sign in on the shop's own sign-in page (`base` carries the language prefix, if any)."""
    page.goto(f"{base}/account/login/")
    form = page.locator("form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(DEFAULT_PASSWORD)
    form.locator("button[type=submit]").click()
    expect(page.locator("form[action$='/account/logout/'] button")).to_be_visible()


def enter_card(page: Page, number: str) -> None:
    """Type a test card into the card element (Stripe.js talks to the fake server only)."""
    card = page.locator("#card-element")
    card.locator("input[placeholder=number]").fill(number)
    card.locator("input[placeholder=exp_month]").fill(TEST_CARD_EXPIRY[0])
    card.locator("input[placeholder=exp_year]").fill(TEST_CARD_EXPIRY[1])
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("34710")
