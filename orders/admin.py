from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import Address, Carrier, ShippingMethod, ShippingRate, ShippingRegion


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["full_name", "user", "province", "district", "country", "billing_type"]
    list_filter = ["country", "billing_type", "is_default_shipping"]
    search_fields = ["full_name", "user__email", "phone", "district", "postal_code"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


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
