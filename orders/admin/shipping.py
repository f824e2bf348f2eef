"""Fulfilment set-up: carriers, shipping regions, shipping methods and their rates."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from ..models import Carrier, ShippingMethod, ShippingRate, ShippingRegion


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]


@admin.register(ShippingRegion)
class ShippingRegionAdmin(admin.ModelAdmin):
    list_display = ["name", "countries"]


class ShippingRateInline(admin.TabularInline):
    model = ShippingRate
    extra = 1


@admin.register(ShippingMethod)
class ShippingMethodAdmin(TranslationAdmin):
    list_display = ["name", "carrier", "free_above", "days_min", "days_max", "is_active"]
    list_filter = ["carrier", "is_active"]
    inlines = [ShippingRateInline]
