"""Thumbnails stored with the rows that show them, so a page makes no cache call per image.

sorl-thumbnail makes each size once; its URLs, srcset and size are kept on the image
(`renditions`) and the product's first image's card size on the product (`card_image`).
"""

from sorl.thumbnail import get_thumbnail

from shop.kept import Kept

from .models import Product, ProductImage

# rendition name -> (size, size for 2× screens)
SIZES = {"card": ("320x320", "640x640"), "page": ("600x600", "1200x1200")}


def make_rendition(image: ProductImage, name: str) -> dict:
    size, size2x = SIZES[name]
    small = get_thumbnail(image.image, size, crop="center")
    large = get_thumbnail(image.image, size2x, crop="center")
    return {
        "src": small.url,
        "srcset": f"{small.url} 1x, {large.url} 2x",
        "width": small.width,
        "height": small.height,
    }


# (image, file, rendition name) -> a rendition made since the image's row was read
MADE = Kept(2000)


def _store_rendition(image: ProductImage, name: str) -> dict:
    """Make a rendition and store it with the image's row (in the database only)."""
    rendition = make_rendition(image, name)
    renditions = {**image.renditions, name: rendition}
    ProductImage.objects.filter(pk=image.pk).update(renditions=renditions)
    return rendition


def image_rendition(image: ProductImage, name: str) -> dict:
    """The stored rendition, made and stored on first use. The row is not written to (a kept
    product page shares its images read-only): what was made since it was read is kept here."""
    if name in image.renditions:
        return image.renditions[name]
    key = (image.pk, image.image.name, name)
    return MADE.get_or_load(key, lambda: _store_rendition(image, name))


def product_refresh_card_image(*, product_id: int) -> bool:
    """Store the card thumbnail of the product's first image (or none); True if it changed."""
    first = ProductImage.objects.filter(product_id=product_id).order_by("position", "pk").first()
    card = {**image_rendition(first, "card"), "pk": first.pk} if first is not None else {}
    current = Product.objects.filter(pk=product_id).values_list("card_image", flat=True).first()
    if current is None or current == card:
        return False
    Product.objects.filter(pk=product_id).update(card_image=card)
    return True
