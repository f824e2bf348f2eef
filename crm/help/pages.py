"""What the help centre's cached pages depend on (shop.pagecache version names)."""

from django.utils import translation

# Everything the help centre shows: bumped on commit by every change to a category or article.
HELP = "help"


def article_page_version(slug: str, *, language: str | None = None) -> str:
    """An article page's own version in a language: bumped by a vote (its counts)."""
    return f"help:{language or translation.get_language() or 'tr'}:{slug}"


def article_page_depends(language: str, kwargs: dict[str, str]) -> tuple[str, ...]:
    return (HELP, article_page_version(kwargs["slug"], language=language))
