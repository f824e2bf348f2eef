"""What invalidates cached catalog pages: every change to something they show.

Model signals cover the admin and the services; queryset updates call `pagecache.bump`
themselves (catalog.services). Stock counters (`allocated`, `on_hand`) are left to the stock
services, which invalidate only when the hint a page shows changes.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from shop import pagecache

from . import search
from .models import (
    Attribute,
    AttributeValue,
    Category,
    PriceHistory,
    Product,
    ProductImage,
    Review,
    ReviewStatus,
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


def _review_deleted(sender: type, instance: Review, **kwargs: object) -> None:
    """A published review deleted (by staff, or with its author's account) leaves the product's
    average and pages once the deletion commits."""
    if instance.status != ReviewStatus.APPROVED:
        return
    from .services import product_refresh_rating

    product_id = instance.product_id

    def refresh() -> None:
        if Product.objects.filter(pk=product_id).exists():  # not deleted with it
            product_refresh_rating(product_id=product_id)

    transaction.on_commit(refresh, robust=True)


# Fields of a product its search vector reads; saves of other fields (listing refreshes,
# counters) leave the vector alone, so placement never refreshes it.
SEARCHED_PRODUCT_FIELDS = {
    f"{field}{suffix}" for field in ("name", "description") for suffix in ("", "_tr", "_en")
} | {"category", "category_id"}


def _search_product_saved(
    sender: type, instance: Product, update_fields: frozenset | None = None, **kwargs: object
) -> None:
    if update_fields is None or set(update_fields) & SEARCHED_PRODUCT_FIELDS:
        search.refresh_after_commit([instance.pk])


def _search_variant_saved(
    sender: type, instance: Variant, update_fields: frozenset | None = None, **kwargs: object
) -> None:
    if update_fields is None or "sku" in update_fields:
        search.refresh_after_commit([instance.product_id])


def _search_category_saved(
    sender: type, instance: Category, update_fields: frozenset | None = None, **kwargs: object
) -> None:
    if update_fields is None or {"name", "name_tr", "name_en"} & set(update_fields):
        search.refresh_after_commit(instance.products.values_list("pk", flat=True))


def _search_value_saved(sender: type, instance: AttributeValue, **kwargs: object) -> None:
    direct = instance.products.values_list("pk", flat=True)
    through_variants = instance.variants.values_list("product_id", flat=True)
    search.refresh_after_commit([*direct, *through_variants])


def _search_values_changed(
    sender: type, instance: object, action: str, reverse: bool, pk_set: set | None, **kwargs: object
) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, Product):
        search.refresh_after_commit([instance.pk])
    elif isinstance(instance, Variant):
        search.refresh_after_commit([instance.product_id])
    elif sender is Product.attribute_values.through:
        search.refresh_after_commit(pk_set or ())
    else:
        search.refresh_after_commit(
            Variant.objects.filter(pk__in=pk_set or ()).values_list("product_id", flat=True)
        )


def connect() -> None:
    post_save.connect(_search_product_saved, sender=Product, dispatch_uid="search-product")
    post_save.connect(_search_variant_saved, sender=Variant, dispatch_uid="search-variant")
    post_save.connect(_search_category_saved, sender=Category, dispatch_uid="search-category")
    post_save.connect(_search_value_saved, sender=AttributeValue, dispatch_uid="search-value")
    for model in (Product, Attribute, AttributeValue, PriceHistory):
        post_save.connect(_catalog_changed, sender=model, dispatch_uid=f"pages-{model.__name__}")
        post_delete.connect(_catalog_changed, sender=model, dispatch_uid=f"pages-d{model.__name__}")
    post_save.connect(_category_changed, sender=Category, dispatch_uid="pages-category")
    post_delete.connect(_category_changed, sender=Category, dispatch_uid="pages-dcategory")
    post_save.connect(_variant_saved, sender=Variant, dispatch_uid="pages-variant")
    post_delete.connect(_catalog_changed, sender=Variant, dispatch_uid="pages-dvariant")
    post_delete.connect(_review_deleted, sender=Review, dispatch_uid="pages-dreview")
    post_save.connect(_image_changed, sender=ProductImage, dispatch_uid="pages-image")
    post_delete.connect(_image_changed, sender=ProductImage, dispatch_uid="pages-dimage")
    for through in (Product.attribute_values.through, Variant.attribute_values.through):
        m2m_changed.connect(_catalog_changed, sender=through, dispatch_uid=f"pages-m2m-{through}")
        m2m_changed.connect(
            _search_values_changed, sender=through, dispatch_uid=f"search-m2m-{through}"
        )
