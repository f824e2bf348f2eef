"""The help centre's pages come from the page cache for anonymous visitors, with their own CSRF
token in the vote form, and each change a reader would see shows at once: an article or a
category saved (service or admin), deleted or unpublished, and a vote (that article's counts).
Query counts of the pages are pinned."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from crm.help.services import help_article_save, help_category_save
from crm.models import HelpArticle, HelpCategory
from tests.factories import StaffFactory, UserFactory

from .help_helpers import help_article, help_category

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def returns() -> HelpArticle:
    return help_article(help_category(topics=["return_exchange"]))


def _cached(url: str) -> str:
    """Ask twice as an anonymous visitor: the second answer must come from the cache."""
    Client().get(url)
    page = Client().get(url)
    assert page["X-Page-Cache"] == "hit", url
    return page.text


def _fresh(url: str) -> str:
    page = Client().get(url)
    assert page["X-Page-Cache"] == "miss", url
    return page.text


@pytest.mark.pagecache
def test_every_help_page_is_served_from_the_cache_with_a_token_per_visitor(
    returns, django_assert_num_queries
):
    urls = [
        "/en/help/",
        f"/en/help/c/{returns.category.slug_en}/",
        f"/en/help/a/{returns.slug_en}/",
        "/en/help/search/?q=iade",
        "/en/help/for-complaint/?category=return_exchange",
        "/en/contact/",
    ]
    for url in urls:
        _cached(url)
    article = f"/en/help/a/{returns.slug_en}/"
    with django_assert_num_queries(0):
        first, second = Client().get(article), Client().get(article)
    assert first["X-Page-Cache"] == second["X-Page-Cache"] == "hit"
    tokens = {
        TOKEN.search(page.text[page.text.index('id="helpful"') :]).group(1)
        for page in (first, second)
    }
    assert len(tokens) == 2  # each visitor's own token in the vote form


@pytest.mark.pagecache
def test_a_change_through_the_service_shows_at_once(returns, django_capture_on_commit_callbacks):
    article = f"/en/help/a/{returns.slug_en}/"
    _cached("/en/help/")
    _cached(article)
    _cached("/en/help/search/?q=withdrawal")
    with django_capture_on_commit_callbacks(execute=True):
        returns.body_en = "Send it back within fourteen days."
        returns.title_en = "Sending things back"
        help_article_save(article=returns)
    assert "Sending things back" in _fresh("/en/help/")
    assert "fourteen days" in _fresh(article)  # the slug stays: links keep working
    assert "Sending things back" not in _fresh("/en/help/search/?q=withdrawal")


@pytest.mark.pagecache
def test_unpublishing_or_deleting_an_article_hides_it_at_once(
    returns, django_capture_on_commit_callbacks
):
    other = help_article(returns.category, "Kargo", "Parcels")
    _cached("/en/help/")
    _cached(f"/en/help/a/{returns.slug_en}/")
    with django_capture_on_commit_callbacks(execute=True):
        returns.published = False
        help_article_save(article=returns)
    assert f"/help/a/{returns.slug_en}/" not in _fresh("/en/help/")
    assert Client().get(f"/en/help/a/{returns.slug_en}/").status_code == 404

    _cached("/en/help/")
    with django_capture_on_commit_callbacks(execute=True):
        other.delete()
    assert f"/help/a/{other.slug_en}/" not in _fresh("/en/help/")


@pytest.mark.pagecache
def test_a_category_renamed_or_deleted_shows_at_once(returns, django_capture_on_commit_callbacks):
    empty = help_category("Boş", "Empty one", position=5)
    _cached("/en/help/")
    _cached(f"/en/help/a/{returns.slug_en}/")
    with django_capture_on_commit_callbacks(execute=True):
        category = returns.category
        category.name_en = "Returns, refunds and more"
        help_category_save(category=category)
    assert "Returns, refunds and more" in _fresh("/en/help/")
    assert "Returns, refunds and more" in _fresh(f"/en/help/a/{returns.slug_en}/")

    _cached("/en/help/")
    with django_capture_on_commit_callbacks(execute=True):
        empty.delete()
    assert "Empty one" not in _fresh("/en/help/")


@pytest.mark.pagecache
def test_a_change_through_the_admin_shows_at_once(returns, django_capture_on_commit_callbacks):
    writer = StaffFactory(is_superuser=False)
    writer.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="crm", codename__in=["change_helparticle", "view_helparticle"]
        )
    )
    staff = Client()
    staff.force_login(writer)
    _cached("/en/help/")
    data = {
        "category": returns.category_id,
        "title_tr": returns.title_tr,
        "title_en": "Returning an item",
        "slug_tr": returns.slug_tr,
        "slug_en": returns.slug_en,
        "body_tr": returns.body_tr,
        "body_en": "Returns are free.",
        "position": 0,
        "published": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        answer = staff.post(f"/admin/crm/helparticle/{returns.pk}/change/", data)
    assert answer.status_code == 302, answer.text[:3000]
    assert "Returning an item" in _fresh("/en/help/")
    returns.refresh_from_db()
    assert "returns are free" in returns.search_text  # the folded texts are rewritten


def test_staff_without_the_permission_cannot_write_articles(returns):
    agent = StaffFactory(is_superuser=False)
    agent.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="crm", codename="view_helparticle")
    )
    staff = Client()
    staff.force_login(agent)
    assert staff.get(f"/admin/crm/helparticle/{returns.pk}/change/").status_code == 200
    answer = staff.post(f"/admin/crm/helparticle/{returns.pk}/change/", {"title_en": "Hacked"})
    assert answer.status_code == 403
    assert staff.get("/admin/crm/helparticle/add/").status_code == 403
    returns.refresh_from_db()
    assert returns.title_en == "Returns and withdrawal"


def test_the_admin_makes_slugs_and_search_text_for_a_new_article(returns):
    staff = Client()
    staff.force_login(StaffFactory())
    answer = staff.post(
        "/admin/crm/helparticle/add/",
        {
            "category": returns.category_id,
            "title_tr": "Kapıda ödeme",
            "title_en": "Cash on delivery",
            "body_tr": "Kuryeye ödersiniz.",
            "body_en": "You pay the courier.",
            "position": 1,
            "published": "on",
        },
    )
    assert answer.status_code == 302, answer.text[:3000]
    article = HelpArticle.objects.get(title_tr="Kapıda ödeme")
    assert (article.slug_tr, article.slug_en) == ("kapida-odeme", "cash-on-delivery")
    assert Client().get("/help/search/?q=KAPIDA").text.count("Kapıda ödeme") >= 1
    category = staff.post(
        "/admin/crm/helpcategory/add/",
        {
            "name_tr": "Hesabım",
            "name_en": "My account",
            "position": 3,
            "published": "on",
            "complaint_categories": ["unreachable"],
        },
    )
    assert category.status_code == 302, category.text[:3000]
    made = HelpCategory.objects.get(name_tr="Hesabım")
    assert (made.slug_tr, made.complaint_categories) == ("hesabim", ["unreachable"])


@pytest.mark.pagecache
def test_a_vote_shows_on_the_cached_article_at_once(returns, django_capture_on_commit_callbacks):
    url = f"/en/help/a/{returns.slug_en}/"
    _cached(url)
    voter = Client(enforce_csrf_checks=True)
    page = voter.get(url)
    token = TOKEN.search(page.text[page.text.index('id="helpful"') :]).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        voter.post(f"/en/help/vote/{returns.pk}/", {"csrfmiddlewaretoken": token, "helpful": "yes"})
    assert "1 of 1 reader found this helpful." in _fresh(url)
    mine = voter.get(url)
    assert mine["X-Page-Cache"] == "hit"  # the thanks are the visitor's own part
    assert "Thank you: you found this helpful." in mine.text
    assert "Thank you" not in Client().get(url).text


def test_query_counts_are_pinned(returns, django_assert_max_num_queries):
    for n in range(5):
        help_article(returns.category, f"Yazı {n}", f"Text {n}", position=n + 1)
    help_article(help_category("Ödeme", "Payment", position=2), "Havale", "Transfer")
    reader = Client()
    reader.force_login(UserFactory(verified=True))  # rendered, not cached
    # Rendered for a signed-in reader (their user row included); the same with 6 or 60 articles.
    pages = {
        "/en/help/": 4,
        f"/en/help/c/{returns.category.slug_en}/": 3,
        f"/en/help/a/{returns.slug_en}/": 2,
        "/en/help/search/?q=text": 2,
        "/en/help/for-complaint/?category=return_exchange": 3,
        "/en/contact/": 1,
    }
    for url, budget in pages.items():
        with django_assert_max_num_queries(budget):
            assert reader.get(url).status_code == 200, url
