"""The cookie banner and the tracking script as visitor parts of every page (shop.pagecache):
a cached page is shared by every visitor, each response gets the banner (until the visitor
chooses) and the script (only with analytics consent) of its own visitor."""

from collections.abc import Callable

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from shop import pagecache
from shop.kept import Kept
from shop.visitor import csrf_token

from .cookies import cookie_choices

BANNER_PART = "cookie_banner"
SCRIPT_PART = "tracking_script"
# Placeholders for what differs per visitor in the rendered banner and script tag.
_TOKEN = "__dk_cookie_banner_csrf__"
_NEXT = "__dk_cookie_banner_next__"
RENDERED = Kept(16)  # (part, language) -> its markup with the placeholders


def _rendered(part: str, render: Callable[[], str]) -> str:
    key = (part, translation.get_language() or "")
    markup = RENDERED.get(key)
    if markup is None:
        markup = RENDERED.put(key, render())
    return markup


def _on_settings_page(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name == "crm:cookie_settings"


def cookie_banner(request: HttpRequest) -> str:
    """The banner for a visitor who has not chosen yet (not on the settings page itself)."""
    if cookie_choices(request).decided or _on_settings_page(request):
        return ""
    markup = _rendered(
        BANNER_PART,
        lambda: render_to_string(
            "crm/tracking/_banner.html", {"csrf_token": _TOKEN, "next": _NEXT}
        ),
    )
    return markup.replace(_TOKEN, csrf_token(request)).replace(
        _NEXT, escape(request.get_full_path())
    )


def tracking_script(request: HttpRequest) -> str:
    """The script tag (with where to post and the visitor's token) for a visitor who allowed
    analytics; nothing for anyone else."""
    if not cookie_choices(request).analytics:
        return ""
    markup = _rendered(
        SCRIPT_PART,
        lambda: (
            f'<script src="{escape(static("js/track.js"))}" defer '
            f'data-track-url="{escape(reverse("crm:track_event"))}" data-csrf="{_TOKEN}"></script>'
        ),
    )
    return markup.replace(_TOKEN, csrf_token(request))


def register() -> None:
    pagecache.register_visitor_part(BANNER_PART, cookie_banner)
    pagecache.register_visitor_part(SCRIPT_PART, tracking_script)
