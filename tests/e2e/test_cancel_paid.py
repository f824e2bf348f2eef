"""A customer who paid by card cancels the unpacked order from its page, in a real browser on a
phone, in English (issue 25).

She reads beforehand what comes back, where and by when; cancels; the refund task the
cancellation queued runs (the test runs it, as the worker would); the page then shows the
refund and its credit note, whose PDF opens.
"""

from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from orders import services as order_services
from orders.models import CreditNote, Order
from payments.models import Refund
from shop import background
from shop.money import format_money
from tests.factories import ProductFactory, UserFactory, VariantFactory
from tests.orders.helpers import cart_with, place, shipping_setup
from tests.payments.browser_stand_in import confirm_card_setup

from .helpers import log_in, watch_for_errors

pytestmark = [pytest.mark.stripe, pytest.mark.django_db(transaction=True)]


class _Queued:
    """Tasks queued on commit, kept here instead of sent: the test runs the one it needs."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple]] = []

    def task_named(self, name: str) -> object:
        real_task_named(name)  # an unknown name still fails where it is queued
        calls = self.calls

        class Kept:
            def apply_async(self, args, kwargs, **options) -> None:
                calls.append((name, tuple(args)))

        return Kept()

    def run(self, name: str) -> list[str]:
        """Run every kept call of this task here, as the worker would; returns the results."""
        task = real_task_named(name)
        return [task.apply(args=args).get() for kept, args in self.calls if kept == name]


real_task_named = background.task_named


def test_a_card_payer_cancels_the_unpacked_order_and_sees_the_refund_and_its_credit_note(
    page: Page, live_server, fake_stripe, monkeypatch
):
    shipping_setup()
    lamp = ProductFactory(
        name_en="Desk Lamp", name_tr="Masa Lambası", slug_en="desk-lamp", slug_tr="masa-lambasi"
    )
    variant = VariantFactory(product=lamp, price=Decimal("120.00"), on_hand=3)
    customer = UserFactory(verified=True, email="kart@example.com", language="en")
    order = place(cart_with((variant, 1), user=customer), payment_method="card", language="en")
    form = order_services.order_card_form(order=order, user=customer)
    confirm_card_setup(fake_stripe, form.setup.setup_intent_id, "visa")
    order_services.order_card_pay(
        order=order, setup_intent_id=form.setup.setup_intent_id, user=customer
    )
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("confirmed", "paid")
    with translation.override("en"):
        total = format_money(order.total)  # ₺169.90: the lamp and its delivery
    queued = _Queued()
    monkeypatch.setattr(background, "task_named", queued.task_named)

    errors = watch_for_errors(page)
    base = f"{live_server.url}/en"
    log_in(page, base, customer.email)
    page.goto(f"{base}/orders/{order.number}/")
    preview = page.locator("#cancel-preview")
    expect(preview).to_contain_text(
        f"{total} goes back to the card you paid with. Your bank shows it within 10 business days."
    )
    page.get_by_role("button", name="Cancel this order").click()

    expect(page.get_by_text("Your order has been cancelled.")).to_be_visible()
    expect(page.locator("#order-status")).to_have_text("Cancelled")
    expect(page.get_by_role("button", name="Cancel this order")).to_have_count(0)
    expect(page.locator("span.refund")).to_have_count(0)  # the refund is queued, not made yet

    assert queued.run("payments.refund_payment_in_full") == ["1 refunds"]
    page.reload()
    refund_line = page.locator("span.refund")
    expect(refund_line).to_have_count(1)
    expect(refund_line).to_contain_text(f"Refunded {total}")
    note = CreditNote.objects.get(order=order)
    link = page.locator("a.credit-note-link")
    expect(link).to_contain_text(f"Credit note {note.number} for {total}")
    pdf = page.request.get(live_server.url + link.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"

    refund = Refund.objects.get(payment__order=order)
    assert (refund.amount, refund.status) == (order.total, Refund.Status.SUCCEEDED)
    assert refund.reference.startswith("re_")  # at Stripe, to the card
    assert Order.objects.get(pk=order.pk).cancel_reason == "customer"
    assert errors == []
