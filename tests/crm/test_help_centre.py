"""The help centre as a customer finds it: categories and articles in their language, search
with Turkish folding on both sides, unpublished texts invisible, "was this helpful?" counted
once per visitor, the links from the footer, the order page and the contact page."""

import re

import pytest
from django.test import Client

from crm.help.demo import seed_help_demo
from crm.help.selectors import help_search
from crm.models import HelpArticle, HelpVote
from tests.factories import OrderFactory, UserFactory

from .help_helpers import help_article, help_category

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def returns():
    category = help_category()
    return help_article(category)


@pytest.mark.parametrize("typed", ["iade", "IADE", "ıade", "İADE", "İade", "Iade"])
def test_search_finds_iade_however_it_is_typed(returns, typed):
    help_article(returns.category, "Kargo takibi", "Tracking", body_tr="Kargo", body_en="Parcel")
    assert [a.pk for a in help_search(typed)] == [returns.pk]
    page = Client().get("/help/search/", {"q": typed})
    assert page.status_code == 200 and "İade ve cayma hakkı" in page.text
    assert "Kargo takibi" not in page.text


def test_search_folds_the_article_side_too_and_finds_nothing_for_other_words(returns):
    help_article(returns.category, "Şifremi unuttum", "Forgot password", body_tr="Giriş")
    assert [a.title_tr for a in help_search("sifremi")] == ["Şifremi unuttum"]
    assert [a.title_tr for a in help_search("ŞİFREMİ UNUTTUM")] == ["Şifremi unuttum"]
    page = Client().get("/en/help/search/", {"q": "teleportation"})
    assert 'id="help-no-results"' in page.text
    assert help_search("") == [] and help_search("   ") == []


def test_every_searched_word_must_match_and_english_texts_are_searched(returns):
    assert [a.pk for a in help_search("return 14")] == [returns.pk]
    assert help_search("iade teleport") == []


def test_home_category_and_article_pages_in_each_language(returns):
    home = Client().get("/help/")
    assert home.status_code == 200
    assert "İptal ve iade" in home.text and "İade ve cayma hakkı" in home.text
    english = Client().get("/en/help/")
    assert "Cancelling and returns" in english.text and "Returns and withdrawal" in english.text
    assert "İade ve cayma hakkı" not in english.text

    assert returns.slug_tr == "iade-ve-cayma-hakki" and returns.slug_en == "returns-and-withdrawal"
    turkish = Client().get(f"/help/a/{returns.slug_tr}/")
    assert "İade ve cayma hakkı" in turkish.text and "14 gün içinde" in turkish.text
    article = Client().get(f"/en/help/a/{returns.slug_en}/")
    assert "Returns and withdrawal" in article.text and "within 14 days" in article.text
    assert "14 gün" not in article.text
    # The language switch keeps the path: the other language's slug leads to this one's.
    moved = Client().get(f"/en/help/a/{returns.slug_tr}/")
    assert (moved.status_code, moved["Location"]) == (301, f"/en/help/a/{returns.slug_en}/")
    moved = Client().get(f"/help/c/{returns.category.slug_en}/")
    assert (moved.status_code, moved["Location"]) == (301, f"/help/c/{returns.category.slug_tr}/")
    category = Client().get(f"/en/help/c/{returns.category.slug_en}/")
    assert category.status_code == 200 and "Returns and withdrawal" in category.text


def test_an_english_text_left_empty_falls_back_to_turkish():
    category = help_category("Hesap", "")
    article = help_article(category, "Şifre", "", body_tr="Şifrenizi sıfırlayın.", body_en="")
    assert article.slug_en == "sifre"
    page = Client().get(f"/en/help/a/{article.slug_en}/")
    assert page.status_code == 200 and "Şifrenizi sıfırlayın." in page.text


def test_unpublished_articles_and_categories_are_invisible(returns):
    draft = help_article(returns.category, "Taslak yazı", "Draft text", published=False)
    hidden = help_category("Gizli", "Hidden", published=False)
    inside = help_article(hidden, "Gizli yazı", "Hidden text", body_tr="iade")
    assert Client().get(f"/help/a/{draft.slug_tr}/").status_code == 404
    assert Client().get(f"/help/a/{inside.slug_tr}/").status_code == 404
    assert Client().get(f"/help/c/{hidden.slug_tr}/").status_code == 404
    home = Client().get("/help/").text
    assert "Taslak yazı" not in home and "Gizli" not in home
    assert [a.pk for a in help_search("iade")] == [returns.pk]
    assert Client().get("/help/a/yok-boyle-bir-yazi/").status_code == 404


def test_article_text_is_plain_text_never_html(returns):
    returns.body_tr = "<script>alert(1)</script>\n\nİkinci paragraf"
    from crm.help.services import help_article_save

    help_article_save(article=returns)
    page = Client().get(f"/help/a/{returns.slug_tr}/")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<p>İkinci paragraf</p>" in page.text


def _vote(visitor: Client, article: HelpArticle, answer: str, **headers: str):
    page = visitor.get(f"/en/help/a/{article.slug_en}/")
    token = TOKEN.search(page.text[page.text.index('id="helpful"') :]).group(1)
    return visitor.post(
        f"/en/help/vote/{article.pk}/",
        {"csrfmiddlewaretoken": token, "helpful": answer},
        headers=headers,
    )


def test_a_visitor_counts_once_and_the_page_shows_the_counts(returns):
    first = Client(enforce_csrf_checks=True)
    answer = _vote(first, returns, "yes")
    assert answer.status_code == 302 and answer["Location"].endswith("#helpful")
    again = _vote(first, returns, "yes")  # a second click (or a double click): not counted
    assert again.status_code == 302
    switched = first.post(f"/en/help/vote/{returns.pk}/", {"helpful": "no"})
    assert switched.status_code == 403  # no token: refused by CSRF
    second = Client(enforce_csrf_checks=True)
    assert _vote(second, returns, "no", HX_Request="true").status_code == 200
    returns.refresh_from_db()
    assert (returns.helpful_yes, returns.helpful_no) == (1, 1)
    assert HelpVote.objects.count() == 2

    page = first.get(f"/en/help/a/{returns.slug_en}/")
    assert "1 of 2 readers found this helpful." in page.text
    assert "Thank you: you found this helpful." in page.text
    assert 'name="helpful"' not in page.text  # they answered: no buttons any more
    assert 'name="helpful"' in Client().get(f"/en/help/a/{returns.slug_en}/").text


def test_the_htmx_vote_answers_with_the_thanks_in_place_of_the_form(returns):
    visitor = Client(enforce_csrf_checks=True)
    answer = _vote(visitor, returns, "no", HX_Request="true")
    assert answer.status_code == 200
    assert f'id="help-vote-{returns.pk}"' in answer.text
    assert "you did not find this helpful" in answer.text and "<form" not in answer.text


def test_bad_votes_change_nothing(returns):
    draft = help_article(returns.category, "Taslak", "Draft", published=False)
    visitor = Client()
    refused = visitor.post(f"/en/help/vote/{returns.pk}/", {"helpful": "maybe"}, follow=True)
    assert refused.status_code == 200 and "Please choose yes or no." in refused.text
    assert visitor.post(f"/en/help/vote/{draft.pk}/", {"helpful": "yes"}).status_code == 404
    assert visitor.post("/en/help/vote/999999/", {"helpful": "yes"}).status_code == 404
    assert visitor.get(f"/en/help/vote/{returns.pk}/").status_code == 405
    assert not HelpVote.objects.exists()
    returns.refresh_from_db()
    assert (returns.helpful_yes, returns.helpful_no) == (0, 0)


@pytest.mark.postgres
def test_search_ranks_a_title_match_first_then_the_more_helpful(returns):
    body_only = help_article(
        returns.category, "Kargo", "Parcel", body_tr="İade kargosu ücretsizdir.", yes=9
    )
    other = help_article(returns.category, "Paket", "Box", body_tr="İade paketi.", yes=20)
    assert [a.pk for a in help_search("iade")] == [returns.pk, other.pk, body_only.pk]


def test_footer_order_page_and_contact_page_link_the_help_centre(returns):
    home = Client().get("/en/")
    assert 'href="/en/help/" id="help-centre-link"' in home.text
    assert 'href="/en/contact/" id="contact-link"' in home.text
    contact = Client().get("/en/contact/")
    assert contact.status_code == 200
    for link in ('href="/en/help/"', 'action="/en/help/search/"', 'href="/en/call-me-back/"'):
        assert link in contact.text
    assert 'href="/en/complaints/new/"' in contact.text and 'href="/en/track/"' in contact.text
    assert 'href="/en/chat/"' in contact.text  # live chat, with the assistant


def test_the_demo_help_centre_is_made_once_in_both_languages():
    first = seed_help_demo()
    assert seed_help_demo() == first.replace("(6 new)", "(0 new)")
    assert HelpArticle.objects.filter(published=True).count() == 6
    assert [a.title_en for a in help_search("iade")][:1] != []
    page = Client().get("/en/help/")
    for title in ("Where is my order?", "Can I cancel my order?", "When does my refund arrive?"):
        assert title in page.text


def test_the_order_page_links_help_with_this_order():
    customer = UserFactory(verified=True, language="en")
    order = OrderFactory(user=customer, status="confirmed")
    client = Client()
    client.force_login(customer)
    page = client.get(f"/en/orders/{order.number}/")
    assert page.status_code == 200
    assert 'href="/en/help/" id="order-help-link">Help with this order</a>' in page.text


def test_the_pages_speak_turkish(returns):
    page = Client().get(f"/help/a/{returns.slug_tr}/")
    assert "Bu yazı faydalı oldu mu?" in page.text and "Evet, işime yaradı" in page.text
    assert ">Yardım merkezi</a>" in page.text and ">Bize ulaşın</a>" in page.text


def test_a_signed_in_reader_counts_once_whatever_their_session(returns):
    reader = UserFactory(verified=True)
    for _ in range(2):  # two sessions (signing in again starts a new one)
        client = Client()
        client.force_login(reader)
        client.post(f"/en/help/vote/{returns.pk}/", {"helpful": "yes"})
    returns.refresh_from_db()
    assert returns.helpful_yes == 1
    assert HelpVote.objects.get().visitor == f"user:{reader.pk}"
