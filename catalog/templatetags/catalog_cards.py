"""Product cards, built in Python from the lean listing row: no include, no query, no cache call.

The card's thumbnail URLs and srcset are stored on the product when its image is saved
(catalog.thumbnails). Each worker keeps the HTML of the cards it rendered, keyed by everything a
card shows (language, name, slug, price, stock flag, sale badge, image, review summary): a change
to any of them is a new key, so a kept card is never stale, and a grid of 24 costs 24 lookups.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from shop.kept import Kept
from shop.templatetags.shop_tags import money

from ..forms import FilterSelection, ListingFilterForm, shown
from ..models import Product, ProductKind

register = template.Library()

CARDS_KEPT = 5000  # per worker: about 3.5 MB of HTML
CARDS = Kept(CARDS_KEPT)  # Card -> its <li>
# (the row's identity, language, address prefix, currency) -> (the row, its Card). The kept row
# keeps its id from being reused while its entry lives; the row itself is never written to.
CARDS_OF_ROWS = Kept(CARDS_KEPT)


class Card(NamedTuple):
    """Everything a card shows, and the language and address prefix it is shown in."""

    language: str
    script_prefix: str
    currency: str
    slug: str
    name: str
    digital: bool
    min_price: Decimal | None
    in_stock: bool
    on_sale: bool
    image: tuple[str, str, object, object] | None
    rating_average: Decimal
    rating_count: int


def card_of(product: Product) -> Card:
    """What the product's card shows here and now, remembered per row (listings keep their
    rows read-only per catalog version) for each language, address prefix and currency."""
    key = (id(product), translation.get_language(), get_script_prefix(), settings.SHOP_CURRENCY)
    kept = CARDS_OF_ROWS.get(key)
    if kept is None or kept[0] is not product:
        kept = CARDS_OF_ROWS.put(key, (product, _card_of(product)))
    return kept[1]


def _card_of(product: Product) -> Card:
    image = product.card_image
    return Card(
        language=translation.get_language() or settings.LANGUAGE_CODE,
        script_prefix=get_script_prefix(),
        currency=settings.SHOP_CURRENCY,
        slug=product.slug,
        name=product.name,
        digital=product.kind == ProductKind.DIGITAL,
        min_price=product.min_price,
        in_stock=product.in_stock,
        on_sale=product.on_sale,
        image=(image["src"], image["srcset"], image["width"], image["height"]) if image else None,
        rating_average=product.rating_average,
        rating_count=product.rating_count,
    )


@CARDS.memo
def render_card(card: Card) -> SafeString:
    """The <li> of one card, from what it shows only (so the key above is the whole truth)."""
    if card.image:
        src, srcset, width, height = card.image
        picture = format_html(
            '<img src="{}" srcset="{}" width="{}" height="{}" alt="" loading="lazy" '
            'decoding="async">',
            src,
            srcset,
            width,
            height,
        )
    else:
        picture = mark_safe('<span class="no-image" aria-hidden="true"></span>')
    badge = (
        format_html('<span class="badge sale">{}</span> ', gettext("Sale")) if card.on_sale else ""
    )
    if card.digital:
        stock = gettext("Instant download")
    else:
        stock = gettext("In stock") if card.in_stock else gettext("Out of stock")
    rating = ""
    if card.rating_count:
        average = f"{card.rating_average:.1f}"
        rating = format_html(
            '<p class="rating" aria-label="{}">★ {} ({})</p>',
            gettext("Rated %(average)s out of 5 by %(count)s customers")
            % {"average": average, "count": card.rating_count},
            average,
            card.rating_count,
        )
    return format_html(
        '<li class="product-card"><a href="{}">{}<span class="product-name">{}</span></a>'
        '<p class="price">{}<strong>{}</strong></p>{}<p class="stock {}">{}</p></li>',
        reverse("catalog:product", args=[card.slug]),
        picture,
        card.name,
        badge,
        money(card.min_price, card.currency),
        rating,
        "ok" if card.in_stock else "out",
        stock,
    )


def product_card(product: Product) -> SafeString:
    return render_card(card_of(product))


@register.simple_tag
def product_cards(products: Iterable[Product]) -> SafeString:
    """The <li> cards of a product grid, in the current language."""
    return mark_safe("".join(product_card(product) for product in products))  # noqa: S308


FILTER_FORMS_KEPT = 1000  # per worker


@Kept(FILTER_FORMS_KEPT).memo
def render_filters(selection: FilterSelection) -> SafeString:
    """The listing filter fields, from the selection alone (its language and catalog version
    included, so a kept fragment is never stale)."""
    with translation.override(selection.language):
        return mark_safe(  # noqa: S308 - a rendered template
            render_to_string("catalog/_filters.html", {"shown": shown(selection)})
        )


@register.simple_tag
def listing_filters(form: ListingFilterForm) -> SafeString:
    """The filter form's fields as the shopper set them."""
    return render_filters(form.selection())
