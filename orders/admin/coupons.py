"""Coupons and their redemptions (redemptions are written by checkout only)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..models import Coupon, CouponRedemption


class PersonalFilter(admin.SimpleListFilter):
    title = _("for whom")
    parameter_name = "personal"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("yes", _("One customer")), ("no", _("Everyone"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Coupon]) -> QuerySet[Coupon]:
        if self.value() == "yes":
            return queryset.filter(user__isnull=False)
        if self.value() == "no":
            return queryset.filter(user__isnull=True)
        return queryset


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
        "user",
    ]
    list_filter = ["kind", "is_active", PersonalFilter]
    list_select_related = ["user"]
    search_fields = ["code", "description", "user__email"]
    filter_horizontal = ["categories"]
    autocomplete_fields = ["products"]
    raw_id_fields = ["user"]
    readonly_fields = ["times_used", "issue_key", "issued_by"]


@admin.register(CouponRedemption)
class CouponRedemptionAdmin(admin.ModelAdmin):
    list_display = ["coupon", "order", "email", "amount", "created_at"]
    list_select_related = ["coupon", "order"]
    search_fields = ["coupon__code", "order__number", "email"]
    readonly_fields = ["coupon", "order", "user", "email", "amount", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
