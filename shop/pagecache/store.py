"""Where the page cache keeps its pages and version tokens, and the names every app shares."""

from django.conf import settings
from django.core.cache import BaseCache, cache, caches

PAGES_ALIAS = "pages"
VERSION_PREFIX = "pagever:"
# Version names: everything listings show, and the header's category menu.
CATALOG = "catalog"
MENU = "menu"
# The delivery promise pages show (the product page): moves at each cut-off and at midnight.
DELIVERY = "delivery"


def token_store() -> BaseCache:
    """Where the tokens live: beside the pages, so a hit reads both in one round trip."""
    return caches[PAGES_ALIAS] if settings.PAGE_CACHE_ENABLED else cache


def version_keys(names: list[str] | tuple[str, ...]) -> list[str]:
    return [f"{VERSION_PREFIX}{name}" for name in names]
