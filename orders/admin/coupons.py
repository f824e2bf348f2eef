"""Coupons and their redemptions (redemptions are written by checkout only)."""

from django.contrib import admin
from django.http import HttpRequest

from ..models import Coupon, CouponRedemption


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "kind",
        "value",
        "min_basket",
        "starts_at",
        "ends_at",
        "times_used",
        "max_uses",
        "is_active",
    ]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "description"]
    filter_horizontal = ["categories"]
    autocomplete_fields = ["products"]
    readonly_fields = ["times_used"]


@admin.register(CouponRedemption)
class CouponRedemptionAdmin(admin.ModelAdmin):
    list_display = ["coupon", "order", "email", "amount", "created_at"]
    list_select_related = ["coupon", "order"]
    search_fields = ["coupon__code", "order__number", "email"]
    readonly_fields = ["coupon", "order", "user", "email", "amount", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
