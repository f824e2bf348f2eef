"""Cancelling a card-paid order in the admin gives the money back, so it needs the refund
permission, in a real browser on a phone, in Turkish.

A staff member holding only the order permissions picks "cancel" for the paid order: refused
by name, the order stays confirmed and nothing reaches Stripe. A colleague who may also refund
cancels it from the order's page; the customer's order page shows exactly one refund.
"""

import re

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import Browser, Page, expect

from orders import services as order_services
from orders.models import Order
from payments.models import Refund
from tests.factories import StaffFactory, UserFactory
from tests.orders.helpers import cart_with, place
from tests.payments.browser_stand_in import confirm_card_setup

from .helpers import PHONE, log_in, watch_for_errors
from .test_payment_staff import _book

pytestmark = [pytest.mark.stripe, pytest.mark.django_db(transaction=True)]


def _staff(email: str, *codenames: str) -> None:
    """Staff with the order permissions (and any others named), not a superuser."""
    staff = StaffFactory(email=email, language="tr", is_superuser=False)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_order", "change_order", *codenames])
    )


def test_only_staff_who_may_refund_cancel_a_paid_order_and_the_customer_sees_one_refund(
    page: Page, browser: Browser, live_server, fake_stripe
):
    customer = UserFactory(verified=True, email="iptal@example.com", language="tr")
    order = place(cart_with((_book("75.00"), 1), user=customer), payment_method="card")
    form = order_services.order_card_form(order=order, user=customer)
    confirm_card_setup(fake_stripe, form.setup.setup_intent_id, "visa")
    order_services.order_card_pay(
        order=order, setup_intent_id=form.setup.setup_intent_id, user=customer
    )
    assert order.payments.get().status == "paid"
    base = live_server.url
    _staff("depo@example.com")
    _staff("kasa@example.com", "refund_payment")

    context = browser.new_context(viewport=PHONE, locale="tr-TR")
    clerk = context.new_page()
    errors = watch_for_errors(clerk)
    log_in(clerk, base, "depo@example.com")
    clerk.goto(f"{base}/admin/orders/order/")
    clerk.locator(f"input[name=_selected_action][value='{order.pk}']").check()
    clerk.locator("select[name=action]").select_option(
        label="Seçili siparişleri iptal et (kargoya verilmeden önce)"
    )
    clerk.get_by_role("button", name="Çalıştır").click()
    expect(clerk.locator(".messagelist")).to_contain_text(f"{order.number} iptal edilmedi")
    expect(clerk.locator(".messagelist")).to_contain_text("ödeme iade etme yetkiniz yok")
    context.close()
    order.refresh_from_db()
    assert order.status == "confirmed" and not Refund.objects.exists()

    context = browser.new_context(viewport=PHONE, locale="tr-TR")
    cashier = context.new_page()
    errors += watch_for_errors(cashier)
    log_in(cashier, base, "kasa@example.com")
    cashier.goto(f"{base}/admin/orders/order/{order.pk}/change/")
    cashier.get_by_role("button", name="İptal edildi", exact=True).click()
    expect(cashier.locator(".messagelist")).to_contain_text(
        re.compile(rf"{order.number} artık .İptal edildi.")
    )
    context.close()

    log_in(page, base, customer.email)
    page.goto(f"{base}/orders/{order.number}/")
    refunds = page.locator("span.refund")
    expect(refunds).to_have_count(1)
    expect(refunds).to_contain_text("iade edildi")
    assert Order.objects.get(pk=order.pk).status == "cancelled"
    refund = Refund.objects.get()
    assert (refund.amount, refund.status) == (order.total, Refund.Status.SUCCEEDED)
    assert refund.reference.startswith("re_")  # sent to Stripe, once
    assert errors == []
