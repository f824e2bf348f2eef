"""Reads of the help centre: published categories and articles, search over the folded texts
(both sides folded with shop.text.fold), and the articles offered before a complaint is sent."""

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, FloatField, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import translation

from catalog.search import query_words, tsquery_term
from shop.text import fold

from ..models import HelpArticle, HelpCategory
from .registry import COMPLAINT_TOPICS

LANGUAGES = [code for code, _name in settings.LANGUAGES]
# What a list of articles shows: title and slug in both languages (the current one, falling
# back to Turkish) and the category for its link.
LIST_FIELDS = [
    "pk",
    "category_id",
    "position",
    *(f"{field}_{code}" for field in ("title", "slug") for code in LANGUAGES),
]
CATEGORY_FIELDS = [
    "pk",
    "position",
    *(f"{field}_{code}" for field in ("name", "slug", "description") for code in LANGUAGES),
]
SEARCH_LIMIT = 30
# Words of a complaint category's label that say nothing about it.
_STOP_WORDS = {"or", "and", "the", "not", "could", "veya", "ile", "ve", "ya", "da", "bir"}


def _slug_field() -> str:
    return f"slug_{translation.get_language() or settings.LANGUAGE_CODE}"


def published_articles() -> QuerySet[HelpArticle]:
    return HelpArticle.objects.filter(published=True, category__published=True)


def help_categories() -> list[HelpCategory]:
    """Published categories, each with its published articles (`shown`): two queries."""
    articles = HelpArticle.objects.filter(published=True).only(*LIST_FIELDS)
    return list(
        HelpCategory.objects.filter(published=True)
        .only(*CATEGORY_FIELDS)
        .prefetch_related(Prefetch("articles", queryset=articles, to_attr="shown"))
    )


def help_category_by_slug(slug: str) -> HelpCategory | None:
    """A published category by its slug in the current language, with its articles (`shown`)."""
    articles = HelpArticle.objects.filter(published=True).only(*LIST_FIELDS)
    return (
        HelpCategory.objects.filter(published=True, **{_slug_field(): slug})
        .only(*CATEGORY_FIELDS)
        .prefetch_related(Prefetch("articles", queryset=articles, to_attr="shown"))
        .first()
    )


def help_article_by_slug(slug: str) -> HelpArticle | None:
    """A published article (of a published category) by its slug in the current language."""
    return (
        published_articles()
        .filter(**{_slug_field(): slug})
        .select_related("category")
        .defer("search_text", "search_vector")
        .first()
    )


def other_language_target(*, slug: str, kind: str) -> HelpArticle | HelpCategory | None:
    """The published article or category whose slug in another language this is (a language
    switch keeps the path's slug), for a 301 to its address in the current language."""
    lookup = Q()
    for code in LANGUAGES:
        lookup |= Q(**{f"slug_{code}": slug})
    if kind == "article":
        return published_articles().filter(lookup).only(*LIST_FIELDS).first()
    return HelpCategory.objects.filter(lookup, published=True).only(*CATEGORY_FIELDS).first()


def help_search(q: str, *, limit: int = SEARCH_LIMIT) -> list[HelpArticle]:
    """Published articles holding every searched word (folded: 'İADE', 'ıade' and 'iade' are
    one word), best first: title matches above text matches on PostgreSQL, then helpfulness."""
    words = query_words(q)
    if not words:
        return []
    articles = published_articles()
    postgres = connection.vendor == "postgresql"
    for word in words:
        matches = Q(search_text__contains=word)
        term = tsquery_term(word)
        if postgres and term:
            matches |= Q(search_vector=SearchQuery(term, search_type="raw", config="simple"))
        articles = articles.filter(matches)
    order = [(F("helpful_yes") - F("helpful_no")).desc(), "position", "pk"]
    terms = [term for term in map(tsquery_term, words) if term]
    if postgres and terms:
        query = SearchQuery(" & ".join(terms), search_type="raw", config="simple")
        rank = Coalesce(
            SearchRank(F("search_vector"), query), Value(0.0), output_field=FloatField()
        )
        articles = articles.annotate(rank=rank)
        order = ["-rank", *order]
    return list(articles.order_by(*order).only(*LIST_FIELDS)[:limit])


def _topic_words(topic: str) -> list[str]:
    """The folded words of a complaint category's label in both languages."""
    label = COMPLAINT_TOPICS.get(topic)
    if label is None:
        return []
    words: set[str] = set()
    for code in LANGUAGES:
        with translation.override(code):
            words.update(fold(str(label)).split())
    return sorted(w for w in words if len(w) > 2 and w not in _STOP_WORDS)


def articles_for_complaint(*, topic: str, limit: int = 3) -> list[HelpArticle]:
    """The few published articles most relevant to a complaint category: those of the help
    categories that answer it first, then by how many of its words they hold, then by how
    helpful readers found them. Two queries; none for an unknown category."""
    if topic not in COMPLAINT_TOPICS:
        return []
    linked = {
        category.pk
        for category in HelpCategory.objects.filter(published=True).only(
            "pk", "complaint_categories"
        )
        if topic in (category.complaint_categories or [])
    }
    words = _topic_words(topic)
    matches = Q(category_id__in=linked)
    for word in words:
        matches |= Q(search_text__contains=word)
    candidates = (
        published_articles()
        .filter(matches)
        .only(*LIST_FIELDS, "search_text", "helpful_yes", "helpful_no")
    )

    def rank(article: HelpArticle) -> tuple:
        relevance = sum(1 for word in words if word in article.search_text)
        score = article.helpful_yes - article.helpful_no
        return (article.category_id not in linked, -relevance, -score, article.position, article.pk)

    return sorted(candidates[:200], key=rank)[:limit]
