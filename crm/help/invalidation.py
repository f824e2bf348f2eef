"""What invalidates the help centre's cached pages: any saved or deleted category or article
(the admin, the services, the demo), on commit. Votes bump only their article's page
(crm.help.services.help_article_vote)."""

from django.db.models.signals import post_delete, post_save

from shop import pagecache

from ..models import HelpArticle, HelpCategory
from .pages import HELP


def _help_changed(sender: type, **kwargs: object) -> None:
    pagecache.bump(HELP)


def connect() -> None:
    for model in (HelpCategory, HelpArticle):
        name = model.__name__
        post_save.connect(_help_changed, sender=model, dispatch_uid=f"pages-help-{name}")
        post_delete.connect(_help_changed, sender=model, dispatch_uid=f"pages-dhelp-{name}")


def register_pages() -> None:
    """The help centre's pages, served from the page cache to anonymous visitors."""
    from .pages import article_page_depends

    shown = [HELP]
    pagecache.register_page("crm:help", depends=shown)
    pagecache.register_page("crm:help_category", depends=shown)
    pagecache.register_page("crm:help_search", params=["q"], depends=shown)
    pagecache.register_page("crm:help_suggested", params=["category"], depends=shown)
    pagecache.register_page("crm:help_article", depends=article_page_depends)
    pagecache.register_page("crm:contact", depends=shown)
    pagecache.register_visitor_part("help_vote", _vote_part, takes_arguments=True)


def _vote_part(request, article_id: str) -> str:
    from .views import vote_part

    return vote_part(request, article_id)
