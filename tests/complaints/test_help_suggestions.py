"""Before a complaint is sent, the form shows the three help articles most relevant to the
chosen category: without JS when the form is shown with a category (a link, a failed send),
with JS as a fragment fetched when the category changes. Linked articles come first, then those
holding the category's words, then the most helpful."""

import re

import pytest
from django.test import Client

from complaints.models import Ticket
from tests.crm.help_helpers import help_article, help_category

pytestmark = pytest.mark.django_db

LINKS = re.compile(r'<aside class="help-suggested".*?</aside>', re.S)


@pytest.fixture
def articles() -> dict[str, object]:
    returns = help_category("İptal ve iade", "Returns", topics=["return_exchange"])
    payments = help_category("Ödeme", "Payments", topics=["payment"], position=1)
    other = help_category("Diğer", "Other", position=2)
    return {
        "withdrawal": help_article(returns, "Cayma hakkı", "Withdrawal", yes=1),
        "label": help_article(returns, "İade kodu", "Return code", yes=5, position=1),
        "cancel": help_article(returns, "İptal", "Cancelling", position=2),
        "fourth": help_article(returns, "Dördüncü", "Fourth linked", position=3, yes=0, no=3),
        # Not linked, but about exchanges (the category's words): after every linked one.
        "exchange": help_article(
            other, "Beden değişimi", "Size exchange", body_tr="Beden.", body_en="Size.", yes=50
        ),
        "refund": help_article(
            payments, "Geri ödeme", "Refund timing", body_tr="Kart: 2-10 gün.", body_en="Card."
        ),
        "draft": help_article(returns, "Taslak", "Draft linked", published=False, yes=99),
    }


def _titles(html: str) -> list[str]:
    box = LINKS.search(html)
    return re.findall(r'<a href="[^"]+">([^<]+)</a>', box.group(0)) if box else []


def test_a_form_shown_with_a_category_lists_its_three_articles_most_helpful_first(articles):
    page = Client().get("/en/complaints/new/?category=return_exchange")
    assert page.status_code == 200
    assert _titles(page.text) == ["Return code", "Withdrawal", "Cancelling"]
    assert _titles(Client().get("/en/complaints/new/?category=payment").text) == ["Refund timing"]
    assert _titles(Client().get("/en/complaints/new/").text) == []
    assert _titles(Client().get("/en/complaints/new/?category=<b>x</b>").text) == []


def test_words_of_the_category_bring_unlinked_articles_after_the_linked_ones(articles):
    for article in ("label", "withdrawal", "cancel"):
        articles[article].published = False
        from crm.help.services import help_article_save

        help_article_save(article=articles[article])
    page = Client().get("/en/complaints/new/?category=return_exchange")
    assert _titles(page.text) == ["Fourth linked", "Size exchange"]


def test_a_failed_send_shows_the_chosen_categorys_articles_and_sends_nothing(articles):
    answer = Client().post("/en/complaints/new/", {"category": "payment", "description": ""})
    assert answer.status_code == 400
    assert _titles(answer.text) == ["Refund timing"]
    assert not Ticket.objects.exists()


def test_changing_the_category_fetches_the_articles_as_a_fragment(articles):
    page = Client().get("/en/complaints/new/")
    assert 'id="help-suggested" data-url="/en/help/for-complaint/"' in page.text
    assert "js/help-suggest" in page.text and "<script>" not in page.text
    fragment = Client().get("/en/help/for-complaint/", {"category": "return_exchange"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert _titles(fragment.text) == ["Return code", "Withdrawal", "Cancelling"]
    changed = Client().get("/en/help/for-complaint/", {"category": "payment"})
    assert _titles(changed.text) == ["Refund timing"]
    assert Client().get("/en/help/for-complaint/", {"category": "nonsense"}).text.strip() == ""


def test_the_turkish_form_shows_turkish_titles(articles):
    page = Client().get("/complaints/new/?category=return_exchange")
    assert _titles(page.text) == ["İade kodu", "Cayma hakkı", "İptal"]
