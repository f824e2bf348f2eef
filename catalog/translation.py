"""Texts in Turkish and English: modeltranslation adds <field>_tr and <field>_en columns."""

from modeltranslation.translator import TranslationOptions, register

from .models import Attribute, AttributeValue, Category, Product, ProductImage, ProductType


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "slug", "description", "seo_title", "seo_description")


@register(Product)
class ProductTranslation(TranslationOptions):
    fields = ("name", "slug", "description", "seo_title", "seo_description")


@register(ProductType)
class ProductTypeTranslation(TranslationOptions):
    fields = ("name",)


@register(Attribute)
class AttributeTranslation(TranslationOptions):
    fields = ("name",)


@register(AttributeValue)
class AttributeValueTranslation(TranslationOptions):
    fields = ("value", "slug")


@register(ProductImage)
class ProductImageTranslation(TranslationOptions):
    fields = ("alt_text",)
