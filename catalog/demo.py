"""Demo catalog for `make run`: about 20 categories and 300+ products in both languages.

Deterministic (seeded random) and idempotent: a second run finds everything in place.
"""

import random
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from shop.text import slugify_tr

from .models import (
    Attribute,
    AttributeValue,
    Category,
    DigitalFile,
    Product,
    ProductImage,
    ProductType,
    Variant,
)
from .questions.demo import seed_questions_demo
from .services import product_refresh_listing

# (Turkish, English, kind, VAT rate, base price) per category, grouped under top-level ones.
TREE = {
    ("Elektronik", "Electronics"): [
        ("Telefon Aksesuarları", "Phone Accessories", "physical", "0.20", 149),
        ("Kulaklıklar", "Headphones", "physical", "0.20", 899),
        ("Yazılım", "Software", "digital", "0.20", 499),
    ],
    ("Ev ve Yaşam", "Home and Living"): [
        ("Aydınlatma", "Lighting", "physical", "0.20", 349),
        ("Mutfak", "Kitchen", "physical", "0.20", 229),
        ("Tekstil", "Textiles", "physical", "0.10", 189),
    ],
    ("Kitap ve Müzik", "Books and Music"): [
        ("Romanlar", "Novels", "physical", "0.01", 120),
        ("E-Kitaplar", "E-books", "digital", "0.01", 79),
        ("Dijital Albümler", "Digital Albums", "digital", "0.20", 99),
    ],
    ("Moda", "Fashion"): [
        ("Tişörtler", "T-shirts", "physical", "0.10", 249),
        ("Ayakkabılar", "Shoes", "physical", "0.10", 1299),
        ("Çantalar", "Bags", "physical", "0.10", 749),
    ],
    ("Gıda", "Food"): [
        ("Kahve", "Coffee", "physical", "0.01", 189),
        ("Çay", "Tea", "physical", "0.01", 99),
    ],
}
ADJECTIVES = [
    ("Kırmızı", "Red"), ("Işıltılı", "Shiny"), ("Klasik", "Classic"), ("Modern", "Modern"),
    ("Doğal", "Natural"), ("Şık", "Elegant"), ("Günlük", "Everyday"), ("Özel", "Special"),
    ("Büyük", "Large"), ("Mini", "Mini"), ("Ahşap", "Wooden"), ("Çizgili", "Striped"),
]  # fmt: skip
COLOURS = [("Kırmızı", "Red"), ("Mavi", "Blue"), ("Siyah", "Black")]
PRODUCTS_PER_CATEGORY = 22


# Digital items at or under 50 TRY (the micropayment tab's range): (SKU, Turkish, English, price).
SMALL_DIGITAL = [
    ("DK-TAB-1", "Kısa Öykü: Vapur", "Short Story: The Ferry", "9.90"),
    ("DK-TAB-2", "Dijital Tek Şarkı: Moda", "Digital Single: Moda", "14.90"),
    ("DK-TAB-3", "Boğaz Duvar Kağıdı Paketi", "Bosphorus Wallpaper Pack", "29.90"),
    ("DK-TAB-4", "Mini E-Kitap: Çay Rehberi", "Mini E-book: A Tea Guide", "49.90"),
]


def seed_catalog_demo() -> str:
    if Product.objects.exists():
        seed_small_digital_demo()
        seed_digital_files_demo()
        seed_questions_demo()
        return f"{Product.objects.count()} products (already seeded)"
    rng = random.Random(20261123)  # noqa: S311 - demo data, not security
    with transaction.atomic():
        general = ProductType.objects.create(name_tr="Genel", name_en="General")
        colour = Attribute.objects.create(
            code="colour", name_tr="Renk", name_en="Colour", defines_variant=True
        )
        colour_values = [
            AttributeValue.objects.create(
                attribute=colour, value_tr=tr, value_en=en, slug_tr=slugify_tr(tr),
                slug_en=slugify_tr(en), position=i,
            )
            for i, (tr, en) in enumerate(COLOURS)
        ]  # fmt: skip
        general.attributes.add(colour)
        count = 0
        for (top_tr, top_en), children in TREE.items():
            root = Category.objects.add_root(_names(top_tr, top_en) | {"is_featured": True})
            for child_tr, child_en, kind, vat, base in children:
                category = Category.objects.add_child(root, _names(child_tr, child_en))
                for n in range(PRODUCTS_PER_CATEGORY):
                    count += 1
                    _product(rng, count, category, general, colour_values, kind, vat, base, n)
    seed_small_digital_demo()
    seed_digital_files_demo()
    seed_questions_demo()
    return f"{Product.objects.count()} products in {Category.objects.count()} categories"


@transaction.atomic
def seed_small_digital_demo() -> None:
    """A few digital items at or under 50 TRY, in the e-books category; idempotent by SKU."""
    category = Category.objects.filter(slug_en="e-books").first()
    product_type = ProductType.objects.order_by("pk").first()
    if category is None or product_type is None:
        return
    for sku, name_tr, name_en, price in SMALL_DIGITAL:
        if Variant.objects.filter(sku=sku).exists():
            continue
        product = Product.objects.create(
            product_type=product_type,
            category=category,
            name_tr=name_tr,
            name_en=name_en,
            slug_tr=slugify_tr(name_tr),
            slug_en=slugify_tr(name_en),
            description_tr=f"{name_tr}: hemen indirilir.",
            description_en=f"{name_en}: download at once.",
            kind="digital",
            status="active",
            vat_rate="0.20",
        )
        Variant.objects.create(product=product, sku=sku, price=Decimal(price), weight_grams=0)
        product_refresh_listing(product_id=product.pk)


def seed_digital_files_demo() -> None:
    """Every demo digital product delivers a small file, so a paid digital order shows its
    download links (and a digital-only order becomes delivered). Idempotent per product."""
    missing = Product.objects.filter(kind="digital", files__isnull=True).only(
        "pk", "name_tr", "name_en"
    )
    for product in missing:
        text = f"{product.name_tr} / {product.name_en}\nDükkan demo download.\n"
        file = DigitalFile(product=product, title=product.name_en)
        file.file.save(f"{slugify_tr(product.name_en)}.txt", ContentFile(text.encode()), save=True)


def _names(tr: str, en: str) -> dict:
    return {"name_tr": tr, "name_en": en, "slug_tr": slugify_tr(tr), "slug_en": slugify_tr(en)}


def _product(rng, number, category, product_type, colours, kind, vat, base, n) -> None:
    adj_tr, adj_en = ADJECTIVES[n % len(ADJECTIVES)]
    name_tr = f"{adj_tr} {category.name_tr} {number}"
    name_en = f"{adj_en} {category.name_en} {number}"
    product = Product.objects.create(
        product_type=product_type,
        category=category,
        name_tr=name_tr,
        name_en=name_en,
        slug_tr=slugify_tr(name_tr),
        slug_en=slugify_tr(name_en),
        description_tr=f"{name_tr}: özenle seçilmiş, uzun ömürlü bir ürün.",
        description_en=f"{name_en}: carefully chosen and made to last.",
        kind=kind,
        status="active",
        vat_rate=vat,
        is_featured=n == 0,
        units_sold=rng.randint(0, 500),
        created_at=timezone.now() - timedelta(days=rng.randint(0, 365)),
    )
    price = Decimal(base + rng.randint(-base // 3, base // 2)).quantize(Decimal("1")) - Decimal(
        "0.10"
    )
    options = colours if kind == "physical" and n % 3 == 0 else [None]
    for position, value in enumerate(options):
        on_hand = 0 if n % 9 == 4 else rng.randint(1, 40)
        on_sale = n % 5 == 1
        variant = Variant.objects.create(
            product=product,
            sku=f"DK-{number:04d}-{position}",
            price=price + position * 10,
            sale_price=(price * Decimal("0.8")).quantize(Decimal("0.01")) if on_sale else None,
            sale_starts_at=timezone.now() - timedelta(days=2) if on_sale else None,
            weight_grams=0 if kind == "digital" else rng.randint(100, 3000),
            on_hand=0 if kind == "digital" else on_hand,
            position=position,
        )
        if value:
            variant.attribute_values.add(value)
    _image(rng, product, name_en)
    product_refresh_listing(product_id=product.pk)


def _image(rng, product: Product, label: str) -> None:
    """A generated photo stand-in: a coloured tile with the product's name on it."""
    hue = (rng.randint(60, 200), rng.randint(40, 160), rng.randint(40, 160))
    image = Image.new("RGB", (600, 600), hue)
    draw = ImageDraw.Draw(image)
    draw.ellipse((150, 120, 450, 420), fill=tuple(min(c + 60, 255) for c in hue))
    draw.text((40, 520), label, fill=(255, 255, 255), font_size=32)
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    ProductImage.objects.create(
        product=product,
        image=ContentFile(buffer.getvalue(), name=f"demo-{product.pk}.jpg"),
        width=600,
        height=600,
        alt_text_tr=product.name_tr,
        alt_text_en=label,
    )
