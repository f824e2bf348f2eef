"""Catalog background jobs (thin: the work is in catalog.services)."""

from celery import shared_task

from . import services
from .questions import services as questions


@shared_task(name="catalog.refresh_sale_listings")
def refresh_sale_listings() -> int:
    """Refresh listing fields of products whose scheduled sale started or ended since last run."""
    return services.listings_refresh_due()


@shared_task(name="catalog.refresh_search_vectors")
def refresh_search_vectors(product_ids: list[int]) -> int:
    """Rewrite the search vectors of products whose texts changed (queued after commit)."""
    return services.product_refresh_search(product_ids=product_ids)


@shared_task(name="catalog.prune_search_misses")
def prune_search_misses() -> int:
    """Delete the counts of searches without results older than SEARCH_MISS_KEEP_DAYS."""
    return services.search_misses_prune()


@shared_task(name="catalog.expire_unconfirmed_questions")
def expire_unconfirmed_questions() -> int:
    """Forget guests' questions never confirmed within CATALOG_QUESTION_CONFIRM_DAYS."""
    return questions.questions_expire_unconfirmed()
