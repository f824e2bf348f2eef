"""The per-visitor parts of every page (header and messages), for shop.pagecache to fill.

The cart count is the orders app's own part (registered in its AppConfig).
"""

from django.contrib.messages import get_messages
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation

from . import pagecache

_ANONYMOUS_LINKS: dict[str, str] = {}


def csrf_token(request: HttpRequest) -> str:
    return get_token(request)


def account_links(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        # The same for every anonymous visitor of a language: rendered once per process.
        language = translation.get_language() or ""
        if language not in _ANONYMOUS_LINKS:
            _ANONYMOUS_LINKS[language] = render_to_string("shop/_account_links.html", {})
        return _ANONYMOUS_LINKS[language]
    return render_to_string(
        "shop/_account_links.html", {"user": user, "csrf_token": get_token(request)}
    )


def messages(request: HttpRequest) -> str:
    storage = get_messages(request)
    if not storage:
        return ""
    return render_to_string("shop/_messages.html", {"messages": storage})


def register() -> None:
    pagecache.register_visitor_part("csrf_token", csrf_token)
    pagecache.register_visitor_part("account_links", account_links)
    pagecache.register_visitor_part("messages", messages)
