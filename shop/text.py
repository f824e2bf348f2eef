"""Turkish-aware text folding, used for slugs and for stored search columns.

`str.lower()` and Django's `slugify` get Turkish wrong ('İpek'.lower() is 'i̇pek';
slugify('Kırmızı Işık') is 'krmz-isk'). `fold` maps İ/I/ı to i and ş/ğ/ü/ö/ç to s/g/u/o/c and
lower-cases the rest, so both sides of every search compare the same way.
"""

import re
import unicodedata

_TURKISH = str.maketrans(
    {
        "İ": "i",
        "I": "i",
        "ı": "i",
        "Ş": "s",
        "ş": "s",
        "Ğ": "g",
        "ğ": "g",
        "Ü": "u",
        "ü": "u",
        "Ö": "o",
        "ö": "o",
        "Ç": "c",
        "ç": "c",
    }
)
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, Turkish letters to ASCII, other accents removed, whitespace collapsed."""
    text = (text or "").translate(_TURKISH)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACES.sub(" ", text.lower()).strip()


def slugify_tr(text: str, *, max_length: int = 200) -> str:
    """A URL slug that reads right for Turkish ('Kırmızı Işık' -> 'kirmizi-isik')."""
    slug = _NON_SLUG.sub("-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-")
