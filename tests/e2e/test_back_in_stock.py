"""Back in stock in a real browser, in Turkish on a phone: a guest asks to be told about a sold-out
lamp on the cached product page and confirms from the email; staff receive goods (the stock
service); the message arrives with a link that opens the product, now in stock."""

import re
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core import mail
from playwright.sync_api import Browser, expect

from catalog import services as catalog_services
from crm.models import StockAlert
from crm.notifications.models import Message
from tests.factories import ProductFactory, StaffFactory, VariantFactory

from .helpers import PHONE, watch_for_errors

pytestmark = pytest.mark.django_db(transaction=True)

GUEST = "lamba.bekleyen@example.com"


def _link(body: str, path: str) -> str:
    return re.search(rf"https?://\S+{path}\S*", body).group(0)


def test_a_guest_is_told_when_the_sold_out_lamp_is_back(browser: Browser, live_server, settings):
    settings.SITE_URL = live_server.url  # the links in the emails lead to this server
    lamp = ProductFactory(
        name_tr="Masa Lambası", name_en="Desk Lamp", slug_tr="masa-lambasi", slug_en="desk-lamp"
    )
    variant = VariantFactory(product=lamp, price=Decimal("120.00"), on_hand=0)
    catalog_services.product_refresh_listing(product_id=lamp.pk)
    url = f"{live_server.url}/p/masa-lambasi/"

    phone = browser.new_context(viewport=PHONE, locale="tr-TR")
    page = phone.new_page()
    errors = watch_for_errors(page)
    page.goto(url)  # someone saw it first: the guest gets the cached page
    response = page.reload()
    if django_settings.PAGE_CACHE_ENABLED:
        assert response.headers["x-page-cache"] == "hit"
    expect(page.locator("#variant-stock")).to_have_text("Tükendi")
    form = page.locator("form#stock-alert")
    expect(form.get_by_role("heading", name="Gelince haber ver")).to_be_visible()
    form.get_by_label("E-posta adresiniz").fill(GUEST)
    form.get_by_role("button", name="Gelince bana e-posta gönder").click()
    expect(page.get_by_role("heading", name="Lütfen e-postanızı kontrol edin")).to_be_visible()
    expect(page.locator("#stock-alert-answer")).to_contain_text(GUEST)

    (confirmation,) = [m for m in mail.outbox if m.to == [GUEST]]
    assert "Masa Lambası" in confirmation.subject
    page.goto(_link(confirmation.body, "/back-in-stock/"))
    page.get_by_role("button", name="Evet, haber verin").click()
    expect(page.locator("#stock-alert-confirmed")).to_contain_text("Masa Lambası")
    assert StockAlert.objects.get(email=GUEST).state == "waiting"

    # Staff receive five lamps; the restock's signal queues the journey's task on commit.
    catalog_services.stock_adjust(
        variant=variant, delta=5, reason="receipt", by=StaffFactory(), note="Yeni koli"
    )
    told = Message.objects.get(kind="back_in_stock", recipient=GUEST)
    assert told.status == "sent" and told.dedupe_key.startswith("back-in-stock:")
    (email,) = [m for m in mail.outbox if m.to == [GUEST] and m is not confirmation]
    assert email.subject == "Masa Lambası yeniden stokta"
    link = _link(email.body, "/p/masa-lambasi/")
    html = next(content for content, kind in email.alternatives if kind == "text/html")
    assert f'href="{link}"' in html and "/back-in-stock/stop/" in html

    page.goto(link)
    expect(page.get_by_role("heading", name="Masa Lambası", exact=True)).to_be_visible()
    expect(page.locator("#variant-stock")).to_have_text("Son 5 ürün")
    expect(page.locator("form#stock-alert")).to_have_count(0)
    expect(page.locator("form.add-to-cart button[type=submit]")).to_be_enabled()
    assert StockAlert.objects.get(email=GUEST).state == "notified"
    assert errors == []
