"""Customers' address books."""

from django.contrib import admin

from ..models import Address


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["full_name", "user", "province", "district", "country", "billing_type"]
    list_filter = ["country", "billing_type", "is_default_shipping"]
    search_fields = ["full_name", "user__email", "phone", "district", "postal_code"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
