"""The help centre in a real browser, on a phone, in Turkish: the footer leads to it, a search
folds Turkish, "was this helpful?" answers in place (htmx) and counts once; on the complaint
form, choosing a category shows the articles that may already answer it, without a reload."""

import pytest
from playwright.sync_api import Browser, expect

from crm.models import HelpArticle

from ..crm.help_helpers import help_article, help_category
from .helpers import PHONE, watch_for_errors

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_shopper_finds_an_answer_and_the_complaint_form_suggests_articles(
    browser: Browser, live_server
):
    returns = help_category("İptal ve iade", "Returns", topics=["return_exchange"])
    payments = help_category("Ödeme", "Payments", topics=["payment"], position=1)
    article = help_article(returns, "İade süresi", "Returns and withdrawal")
    help_article(payments, "Geri ödeme ne zaman?", "Refund timing", body_tr="Kart.", body_en="x")

    phone = browser.new_context(viewport=PHONE, locale="tr-TR")
    page = phone.new_page()
    errors = watch_for_errors(page)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Yardım merkezi").click()
    expect(page.get_by_role("heading", name="Yardım merkezi", level=1)).to_be_visible()
    page.get_by_label("Yardım merkezinde ara").fill("IADE")
    page.get_by_label("Yardım merkezinde ara").press("Enter")
    page.get_by_role("link", name="İade süresi").click()
    expect(page.get_by_role("heading", name="İade süresi")).to_be_visible()
    page.get_by_role("button", name="Evet, işime yaradı").click()
    expect(page.locator("#helpful").get_by_role("status")).to_contain_text(
        "Teşekkürler: bu yazıyı faydalı buldunuz."
    )
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (1, 0)
    page.reload()
    expect(page.locator("#helpful-count")).to_contain_text("1 okuyucudan 1 kişi")
    expect(page.get_by_role("button", name="Evet, işime yaradı")).to_have_count(0)

    page.goto(f"{live_server.url}/complaints/new/")
    suggested = page.locator("#help-suggested")
    expect(suggested.get_by_role("link")).to_have_count(0)
    page.get_by_label("Konu nedir?").select_option("return_exchange")
    expect(suggested.get_by_role("link", name="İade süresi")).to_be_visible()
    page.get_by_label("Konu nedir?").select_option("payment")
    expect(suggested.get_by_role("link", name="Geri ödeme ne zaman?")).to_be_visible()
    expect(suggested.get_by_role("link", name="İade süresi")).to_have_count(0)
    assert HelpArticle.objects.get(pk=article.pk).helpful_yes == 1
    assert errors == []
    phone.close()
