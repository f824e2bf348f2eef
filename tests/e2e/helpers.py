"""Steps the browser journeys share: the phone viewport, watching for errors, adding to the cart,
signing in and typing a card into the fake Stripe.js."""

import re

from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD

TEST_CARD_EXPIRY = ("12", "31")
PHONE = {"width": 390, "height": 844}


def watch_for_errors(page: Page) -> list[str]:
    """Console errors (CSP violations among them), uncaught exceptions and 404s on any page."""
    errors: list[str] = []
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" or "Content Security Policy" in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # No page of a journey may ask for something that is not there (a favicon, a script).
    page.on(
        "response",
        lambda response: errors.append(f"404 {response.url}") if response.status == 404 else None,
    )
    return errors


def add_to_cart(page: Page, url: str, *, quantity: int, count_after: int) -> None:
    """Add from the product page (htmx: no reload) and wait for the header count."""
    page.goto(url)
    form = page.locator("form.add-to-cart")
    form.locator("input[name=quantity]").fill(str(quantity))
    form.locator("button[type=submit]").click()
    expect(page.locator("#add-status")).to_have_class(re.compile(r"\bsuccess\b"))
    expect(page.locator("#cart-count")).to_have_text(str(count_after))


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
