"""Shipping texts shown to customers, in Turkish and English."""

from modeltranslation.translator import TranslationOptions, register

from .models import ShippingMethod


@register(ShippingMethod)
class ShippingMethodTranslation(TranslationOptions):
    fields = ("name", "description")
