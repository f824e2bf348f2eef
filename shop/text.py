"""Turkish-aware text folding, used for slugs and for stored search columns.

`str.lower()` and Django's `slugify` get Turkish wrong ('İpek'.lower() is 'i̇pek';
slugify('Kırmızı Işık') is 'krmz-isk'). `fold` maps İ/I/ı to i and ş/ğ/ü/ö/ç to s/g/u/o/c and
lower-cases the rest, so both sides of every search compare the same way.
"""

import re
import unicodedata

from django.template.defaultfilters import stringfilter
from django.utils import translation
from django.utils.functional import keep_lazy_text

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


def code_normal(text: str) -> str:
    """A code customers type (a coupon): ASCII capitals whatever the keyboard or case.

    'hoşgeldin', 'HOŞGELDİN' and 'hosgeldin' are all 'HOSGELDIN'; `str.upper()` alone would give
    'HOŞGELDIN' (a dotless I) for the first and miss the code staff typed with 'İ'.
    """
    return fold(text).replace(" ", "").upper()


def slugify_tr(text: str, *, max_length: int = 200) -> str:
    """A URL slug that reads right for Turkish ('Kırmızı Işık' -> 'kirmizi-isik')."""
    slug = _NON_SLUG.sub("-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-")


def _upper_first(first: str, language: str | None) -> str:
    if (language or "").split("-")[0] in _DOTTED_I_LANGUAGES:
        return _TURKISH_UPPER.get(first, first.upper())
    return first.upper()


_DOTTED_I_LANGUAGES = {"tr", "az"}
_TURKISH_UPPER = {"i": "İ", "ı": "I"}


@keep_lazy_text
def capfirst(text: str) -> str:
    """Capitalise the first letter under the active language's rules ('il' -> 'İl' in Turkish).

    Django's own capfirst uses str.upper(), which turns the Turkish 'il' (province) into 'Il'.
    """
    if not text:
        return text
    text = str(text)
    return _upper_first(text[0], translation.get_language()) + text[1:]


@stringfilter
def capfirst_filter(value: str) -> str:
    return capfirst(value)


def install_turkish_capfirst() -> None:
    """Make Django's labels and the `capfirst` template filter use the Turkish-aware capfirst.

    Django capitalises verbose names in model-form labels, admin headings and validation
    messages with its own capfirst, imported by name into each module; rebinding those names
    fixes every label at once instead of hand-writing capitalised labels form by form.
    """
    import django.contrib.admin.helpers
    import django.contrib.admin.options
    import django.contrib.admin.sites
    import django.contrib.admin.utils
    import django.contrib.auth.forms
    import django.db.models.base
    import django.db.models.fields
    import django.forms.models
    import django.template.defaultfilters
    import django.utils.text

    for module in (
        django.utils.text,
        django.db.models.base,
        django.db.models.fields,
        django.forms.models,
        django.contrib.admin.options,
        django.contrib.admin.sites,
        django.contrib.admin.utils,
        django.contrib.auth.forms,
    ):
        module.capfirst = capfirst
    django.contrib.admin.helpers.capfirst = capfirst_filter
    django.template.defaultfilters.register.filter("capfirst", capfirst_filter, is_safe=True)
