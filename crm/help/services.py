"""Writes of the help centre: saving categories and articles (slugs, folded search texts) and
"was this helpful?" votes, one per visitor and article."""

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import F, Value

from catalog.services import unique_slug
from shop import pagecache
from shop.text import fold

from ..models import HelpArticle, HelpCategory, HelpVote
from .pages import article_page_version

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _fill_slugs(obj: HelpCategory | HelpArticle, source: str) -> None:
    """An empty slug made from the text of its language (or the default language's)."""
    fallback = getattr(obj, f"{source}_{settings.LANGUAGE_CODE}") or ""
    for code in LANGUAGES:
        if not getattr(obj, f"slug_{code}", None):
            text = getattr(obj, f"{source}_{code}", None) or fallback
            slug = unique_slug(model=type(obj), text=text, language=code, exclude_pk=obj.pk)
            setattr(obj, f"slug_{code}", slug)


def article_document(article: HelpArticle) -> tuple[str, str]:
    """The folded titles and texts of both languages: what a search compares with."""
    titles = " ".join(getattr(article, f"title_{code}", None) or "" for code in LANGUAGES)
    bodies = " ".join(getattr(article, f"body_{code}", None) or "" for code in LANGUAGES)
    return fold(titles), fold(bodies)


@transaction.atomic
def help_category_save(*, category: HelpCategory) -> HelpCategory:
    """Save a category (admin or demo), its empty slugs made from its names."""
    _fill_slugs(category, "name")
    category.save()
    return category


@transaction.atomic
def help_article_save(*, article: HelpArticle) -> HelpArticle:
    """Save an article with its slugs and folded search texts (and vector on PostgreSQL).

    The help centre's cached pages change on commit (crm.help.invalidation).
    """
    _fill_slugs(article, "title")
    titles, bodies = article_document(article)
    article.search_text = f"{titles} {bodies}".strip()
    article.save()
    if connection.vendor == "postgresql":
        vector = SearchVector(Value(titles), weight="A", config="simple") + SearchVector(
            Value(bodies), weight="B", config="simple"
        )
        HelpArticle.objects.filter(pk=article.pk).update(search_vector=vector)
    return article


def help_article_vote(*, article: HelpArticle, visitor: str, helpful: bool) -> bool:
    """Count one visitor's answer once: False (nothing counted) when they already answered.

    The unique (article, visitor) row decides between two clicks at once; the count moves in
    the same transaction with an F() update, and the article's page version is bumped.
    """
    with transaction.atomic():
        _vote, created = HelpVote.objects.get_or_create(
            article=article, visitor=visitor, defaults={"helpful": helpful}
        )
        if not created:
            return False
        field = "helpful_yes" if helpful else "helpful_no"
        HelpArticle.objects.filter(pk=article.pk).update(**{field: F(field) + 1})
        slugs = [getattr(article, f"slug_{code}", None) for code in LANGUAGES]
        pagecache.bump(
            *(
                article_page_version(slug, language=code)
                for code, slug in zip(LANGUAGES, slugs, strict=True)
                if slug
            )
        )
    return True
