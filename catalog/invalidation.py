"""What invalidates cached catalog pages: every change to something they show.

Model signals cover the admin and the services; queryset updates call `pagecache.bump`
themselves (catalog.services). Stock counters (`allocated`, `on_hand`) are left to the stock
services, which invalidate only when the hint a page shows changes.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from shop import pagecache

from .models import (
    Attribute,
    AttributeValue,
    Category,
    PriceHistory,
    Product,
    ProductImage,
    Variant,
)

STOCK_COUNTERS = {"allocated", "on_hand"}


def _catalog_changed(sender: type, **kwargs: object) -> None:
    pagecache.bump(pagecache.CATALOG)


def _category_changed(sender: type, **kwargs: object) -> None:
    pagecache.bump(pagecache.CATALOG, pagecache.MENU)


def _variant_saved(sender: type, update_fields: frozenset | None = None, **kwargs: object) -> None:
    if update_fields is not None and set(update_fields) <= STOCK_COUNTERS:
        return
    pagecache.bump(pagecache.CATALOG)


def _image_changed(sender: type, instance: ProductImage, **kwargs: object) -> None:
    from .thumbnails import product_refresh_card_image

    if kwargs.get("update_fields") == frozenset({"renditions"}):
        return
    if (
        kwargs.get("signal") is post_delete
        and not Product.objects.filter(pk=instance.product_id).exists()
    ):
        return
    product_refresh_card_image(product_id=instance.product_id)
    pagecache.bump(pagecache.CATALOG)


def connect() -> None:
    for model in (Product, Attribute, AttributeValue, PriceHistory):
        post_save.connect(_catalog_changed, sender=model, dispatch_uid=f"pages-{model.__name__}")
        post_delete.connect(_catalog_changed, sender=model, dispatch_uid=f"pages-d{model.__name__}")
    post_save.connect(_category_changed, sender=Category, dispatch_uid="pages-category")
    post_delete.connect(_category_changed, sender=Category, dispatch_uid="pages-dcategory")
    post_save.connect(_variant_saved, sender=Variant, dispatch_uid="pages-variant")
    post_delete.connect(_catalog_changed, sender=Variant, dispatch_uid="pages-dvariant")
    post_save.connect(_image_changed, sender=ProductImage, dispatch_uid="pages-image")
    post_delete.connect(_image_changed, sender=ProductImage, dispatch_uid="pages-dimage")
    for through in (Product.attribute_values.through, Variant.attribute_values.through):
        m2m_changed.connect(_catalog_changed, sender=through, dispatch_uid=f"pages-m2m-{through}")
