"""factory_boy factories shared by every test folder."""

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress

from shop.models import User

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    first_name = "Ayşe"
    last_name = "Yılmaz"
    phone = "+905321234567"
    language = "tr"
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """UserFactory(verified=True) also records a verified primary email (allauth); only
        then can the account sign in with its password."""
        _save_and_verify(self, create=create, verified=bool(extracted))


class StaffFactory(UserFactory):
    """Staff sign in through the shop's login, so their address is verified unless told not."""

    is_staff = True
    is_superuser = True

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        _save_and_verify(self, create=create, verified=extracted is not False)


def _save_and_verify(user: User, *, create: bool, verified: bool) -> None:
    if create:
        user.save()
        if verified:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class OrderFactory(factory.django.DjangoModelFactory):
    """A placed order without lines, for status and payment tests (placement builds real ones)."""

    class Meta:
        model = "orders.Order"

    number = factory.Sequence(lambda n: f"DK-TEST-{n:05d}")
    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else "guest@example.com")
    phone = "+905321234567"
    payment_method = "cod"
    subtotal = Decimal("250.00")
    vat = Decimal("41.67")
    total = Decimal("250.00")
    billing_address = factory.LazyFunction(lambda: {"full_name": "Ayşe Yılmaz"})
    checkout_token = factory.Sequence(lambda n: f"test-token-{n}")


def make_category(name: str = "Kitaplar", parent=None):
    """A category node (treebeard needs add_root/add_child, not a plain create)."""
    from catalog.models import Category
    from shop.text import slugify_tr

    fields = {
        "name_tr": name,
        "name_en": name,
        "slug_tr": slugify_tr(name),
        "slug_en": slugify_tr(name),
    }
    if parent:
        return Category.objects.add_child(parent, fields)
    return Category.objects.add_root(fields)


class ProductTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "catalog.ProductType"

    name_tr = "Genel"
    name_en = "General"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "catalog.Product"

    product_type = factory.SubFactory(ProductTypeFactory)
    category = factory.Sequence(lambda n: make_category(f"Kategori {n}"))
    name_tr = factory.Sequence(lambda n: f"Ürün {n}")
    name_en = factory.Sequence(lambda n: f"Product {n}")
    slug_tr = factory.Sequence(lambda n: f"urun-{n}")
    slug_en = factory.Sequence(lambda n: f"product-{n}")
    status = "active"


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "catalog.Variant"

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    price = Decimal("100.00")
    on_hand = 10


def listed_product(*, variants=({},), searchable: bool = False, **product_fields):
    """An active product as the shop lists it: made with ProductFactory(**product_fields), with
    one variant per dict in `variants` (VariantFactory's fields: 100.00, 10 in stock unless told;
    an "attribute_values" list is added to the variant), then its listing fields (price, stock,
    sale) refreshed, and its search vector too if `searchable`. Returns the product as stored."""
    from catalog.models import Product
    from catalog.services import product_refresh_listing, product_refresh_search

    product = ProductFactory(**product_fields)
    for fields in variants:
        fields = dict(fields)
        values = fields.pop("attribute_values", ())
        variant = VariantFactory(product=product, **fields)
        if values:
            variant.attribute_values.add(*values)
    product_refresh_listing(product_id=product.pk)
    if searchable:
        product_refresh_search(product_ids=[product.pk])
    return Product.objects.get(pk=product.pk)


def add_image(product, *, colour=(180, 35, 47), size=(800, 600), alt: str = ""):
    """Attach a generated JPEG to a product, as staff would upload it."""
    from io import BytesIO

    from django.core.files.base import ContentFile
    from PIL import Image

    from catalog.models import ProductImage

    buffer = BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return ProductImage.objects.create(
        product=product,
        image=ContentFile(buffer.getvalue(), name=f"p{product.pk}.jpg"),
        width=size[0],
        height=size[1],
        alt_text_en=alt,
        alt_text_tr=alt,
    )


@contextmanager
def seeded_for_module(django_db_blocker, seed) -> Iterator[None]:
    """Run seed() once, for the module asking, in a transaction rolled back at the module's end:
    the tests of that module read what it made (each test's own changes roll back to it, as
    usual) and no other module ever sees a row of it, so tests that count rows stay exact.
    Only for modules whose tests run in a transaction (`django_db`, not transaction=True)."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        seed()
        yield
        transaction.set_rollback(True)
