"""The parts of a page that differ per visitor: their registry, the markers a kept page holds in
their place, and the split and fill of a rendered page around them."""

import hashlib
import re
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

# Parts of a page that differ per visitor: name -> function(request) -> HTML to put in its place.
VISITOR_PARTS: dict[str, Callable[[HttpRequest], str]] = {}
# Parts that also take what the page knows (a product's weight and price), carried in their
# marker: name -> function(request, *arguments) -> HTML.
VISITOR_PARTS_WITH_ARGUMENTS: dict[str, Callable[..., str]] = {}
# An argument a marker may carry: no "_" (a marker ends at "__") and no ":" (the separator).
_ARGUMENT = re.compile(r"[0-9A-Za-z.-]*")


def register_visitor_part(
    name: str, render: Callable[..., str], *, takes_arguments: bool = False
) -> None:
    """A per-visitor part a cached page may hold; apps fill in their own (orders: cart count).

    With `takes_arguments`, `render(request, *arguments)` gets the page's own values (strings).
    """
    (VISITOR_PARTS_WITH_ARGUMENTS if takes_arguments else VISITOR_PARTS)[name] = render


def part_name(name: str, *arguments: object) -> str:
    """A part's name with the page's values for it, as its marker carries them
    ("shipping_estimate:1200:349.90"); ValueError for a value a marker cannot carry."""
    texts = [str(argument) for argument in arguments]
    if not texts:
        return name
    if any(not _ARGUMENT.fullmatch(text) for text in texts):
        raise ValueError(f"a visitor part's argument is letters, digits, '.' and '-': {texts}")
    return ":".join([name, *texts])


# Pure functions of the secret key: a C-level memo (one or two entries ever) costs less than
# any store of ours, and these run for every marker of every page.
@lru_cache(maxsize=4)
def _marker_secret(secret_key: str) -> str:
    return hashlib.sha256(f"pagecache:{secret_key}".encode()).hexdigest()[:12]


@lru_cache(maxsize=4)
def _marker_pattern(secret: str) -> re.Pattern[str]:
    return re.compile(r"__dkpc" + secret + r"_(\w+?(?::[0-9A-Za-z.-]*)*)__")


def marker(name: str) -> str:
    """The placeholder a cached body holds for a visitor part (not guessable from outside)."""
    return f"__dkpc{_marker_secret(settings.SECRET_KEY)}_{name}__"


def is_filling(request: HttpRequest | None) -> bool:
    """True while a page is rendered to be stored: visitor parts are markers then."""
    return bool(getattr(request, "page_cache_filling", False))


def render_visitor_part(request: HttpRequest, name: str) -> str:
    if ":" in name:  # a part with arguments (part_name)
        base, *arguments = name.split(":")
        render = VISITOR_PARTS_WITH_ARGUMENTS.get(base)
        return render(request, *arguments) if render is not None else ""
    render = VISITOR_PARTS.get(name)
    return render(request) if render is not None else ""


def split_text(text: str) -> tuple[str, ...]:
    """Rendered HTML as its text (even places) and the visitor parts between them (odd)."""
    return tuple(_marker_pattern(_marker_secret(settings.SECRET_KEY)).split(text))


def fill_text(request: HttpRequest, pieces: tuple[str, ...]) -> str:
    """`split_text`'s pieces for this visitor: their parts filled in, or, while the page is
    rendered for the page cache, markers again (the cache fills them per response)."""
    filling = is_filling(request)
    return "".join(
        piece if i % 2 == 0 else marker(piece) if filling else render_visitor_part(request, piece)
        for i, piece in enumerate(pieces)
    )
