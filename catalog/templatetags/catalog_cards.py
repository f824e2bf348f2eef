"""Product cards, built in Python from the lean listing row: no include, no query, no cache call.

The card's thumbnail URLs and srcset are stored on the product when its image is saved
(catalog.thumbnails), so a grid of 24 cards costs string formatting only.
"""

from collections.abc import Iterable

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from shop.templatetags.shop_tags import money

from ..models import Product, ProductKind

register = template.Library()


def product_card(product: Product, texts: dict[str, str]) -> SafeString:
    image = product.card_image
    if image:
        picture = format_html(
            '<img src="{}" srcset="{}" width="{}" height="{}" alt="" loading="lazy" '
            'decoding="async">',
            image["src"],
            image["srcset"],
            image["width"],
            image["height"],
        )
    else:
        picture = mark_safe('<span class="no-image" aria-hidden="true"></span>')
    badge = (
        format_html('<span class="badge sale">{}</span> ', texts["sale"]) if product.on_sale else ""
    )
    if product.kind == ProductKind.DIGITAL:
        stock = texts["digital"]
    else:
        stock = texts["in"] if product.in_stock else texts["out"]
    rating = ""
    if product.rating_count:
        average = f"{product.rating_average:.1f}"
        rating = format_html(
            '<p class="rating" aria-label="{}">★ {} ({})</p>',
            texts["rating"] % {"average": average, "count": product.rating_count},
            average,
            product.rating_count,
        )
    return format_html(
        '<li class="product-card"><a href="{}">{}<span class="product-name">{}</span></a>'
        '<p class="price">{}<strong>{}</strong></p>{}<p class="stock {}">{}</p></li>',
        product.get_absolute_url(),
        picture,
        product.name,
        badge,
        money(product.min_price),
        rating,
        "ok" if product.in_stock else "out",
        stock,
    )


@register.simple_tag
def product_cards(products: Iterable[Product]) -> SafeString:
    """The <li> cards of a product grid, in the current language."""
    texts = {
        "sale": gettext("Sale"),
        "digital": gettext("Instant download"),
        "in": gettext("In stock"),
        "out": gettext("Out of stock"),
        "rating": gettext("Rated %(average)s out of 5 by %(count)s customers"),
    }
    return format_html_join("", "{}", ((product_card(p, texts),) for p in products))
