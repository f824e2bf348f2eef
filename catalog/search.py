"""Search helpers shared by both databases: what a product's search vector holds, a small
trigram similarity for typos on SQLite and for "did you mean", and the after-commit refresh.

PostgreSQL ranks with a weighted vector (names A, category and attribute values B,
descriptions C) over Turkish-folded text with the `simple` configuration, and finds typos with
pg_trgm; SQLite (the embedded default) compares the same folded texts in Python.
"""

import re
from collections.abc import Iterable

import crawleruseragents
from django.conf import settings

from shop.background import enqueue_on_commit
from shop.text import fold

MAX_WORDS = 8
# pg_trgm's similarity of two words differs from ours (we compare whole words), so SQLite
# accepts a little less: "telefn" ~ "telefon" is 0.5 here.
PYTHON_SIMILARITY_THRESHOLD = 0.4
_NOT_TERM = re.compile(r"[^a-z0-9]+")
# Searches without results are counted only when short and free of what looks personal: an
# email address, or a long run of digits (a phone or card number pasted into the box).
MAX_COUNTED_LENGTH = 60
_PERSONAL = re.compile(r"@|\d[\d\s.-]{5,}\d")


def query_words(q: str) -> list[str]:
    """The folded words of a search ('Kırmızı  ELBİSE' -> ['kirmizi', 'elbise'])."""
    return fold(q).split()[:MAX_WORDS]


def miss_key(q: str) -> str:
    """What a search without results is counted under: its folded words, or '' when it is too
    long or may hold personal data (then it is not counted at all)."""
    if len(q) > MAX_COUNTED_LENGTH * 2 or _PERSONAL.search(q):
        return ""
    key = " ".join(query_words(q))
    return key if len(key) <= MAX_COUNTED_LENGTH else ""


def by_a_person(user_agent: str) -> bool:
    """False for crawlers, scripts and requests that name no browser (their searches are noise)."""
    return bool(user_agent) and not crawleruseragents.is_crawler(user_agent)


def tsquery_term(word: str) -> str:
    """A word as a prefix term of a raw tsquery, stripped of tsquery syntax ('' if nothing left)."""
    term = _NOT_TERM.sub("", word)
    return f"{term}:*" if term else ""


def trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """Trigram similarity of two folded words, as pg_trgm computes it (0..1)."""
    left, right = trigrams(a), trigrams(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def closest(word: str, vocabulary: Iterable[str]) -> tuple[str, float]:
    """The most similar word of the vocabulary, and how similar it is."""
    best, score = word, 0.0
    for candidate in vocabulary:
        value = similarity(word, candidate)
        if value > score:
            best, score = candidate, value
    return best, score


def suggestion(*, words: list[str], names: Iterable[str]) -> str:
    """'Did you mean': each searched word replaced by the closest word of these names, or ''."""
    vocabulary = {token for name in names for token in fold(name).split()}
    corrected = [closest(word, vocabulary)[0] if word not in vocabulary else word for word in words]
    return " ".join(corrected) if corrected != words else ""


def product_document(*, product: object) -> tuple[str, str, str]:
    """The folded texts of a product's vector by weight: names and SKUs, category and
    attribute values, descriptions (both languages). Needs its category and values loaded."""
    codes = [code for code, _name in settings.LANGUAGES]
    names = [getattr(product, f"name_{code}") or "" for code in codes]
    skus = [variant.sku for variant in product.variants.all()]
    category = [getattr(product.category, f"name_{code}") or "" for code in codes]
    values = {
        getattr(value, f"value_{code}", None) or value.value
        for value in [
            *product.attribute_values.all(),
            *(v for variant in product.variants.all() for v in variant.attribute_values.all()),
        ]
        for code in codes
    }
    descriptions = [getattr(product, f"description_{code}") or "" for code in codes]
    return (
        fold(" ".join([*names, *skus])),
        fold(" ".join([*category, *sorted(values)])),
        fold(" ".join(descriptions)),
    )


def refresh_after_commit(product_ids: Iterable[int]) -> None:
    """Queue a refresh of these products' search vectors once the change commits."""
    ids = sorted({int(pk) for pk in product_ids if pk})
    if not ids:
        return
    enqueue_on_commit("catalog.refresh_search_vectors", ids)
