from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from shop.admin_safety import MalformedFilterSafeMixin
from shop.exceptions import ShopError

from .models import (
    Address,
    Carrier,
    Coupon,
    CouponRedemption,
    Order,
    OrderDocument,
    OrderEvent,
    OrderLine,
    ShippingMethod,
    ShippingRate,
    ShippingRegion,
)
from .services import order_transition
from .states import CancelReason, OrderStatus


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


class HistoryInline(admin.TabularInline):
    """An order's record (lines, events, documents): shown to staff, never edited."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Order | None = None) -> list[str]:
        return list(self.fields)

    def has_add_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False


class OrderLineInline(HistoryInline):
    model = OrderLine
    fields = [
        "product_name",
        "variant_name",
        "sku",
        "quantity",
        "unit_price",
        "discount",
        "total",
        "vat",
    ]


class OrderEventInline(HistoryInline):
    model = OrderEvent
    fields = ["created_at", "from_status", "to_status", "actor", "note"]


class OrderDocumentInline(HistoryInline):
    template = "admin/edit_inline/stacked.html"
    model = OrderDocument
    fields = ["kind", "version", "language", "accepted_at", "ip_address", "text"]


@admin.register(Order)
class OrderAdmin(MalformedFilterSafeMixin, admin.ModelAdmin):
    """Orders are read here; their status changes only through order_transition (actions)."""

    list_display = [
        "number",
        "placed_at",
        "email",
        "status",
        "payment_method",
        "payment_status",
        "total",
        "needs_review",
    ]
    list_filter = ["needs_review", "status", "payment_status", "payment_method", "placed_at"]
    search_fields = ["number", "email", "phone", "user__email"]
    date_hierarchy = "placed_at"
    list_select_related = ["user"]
    inlines = [OrderLineInline, OrderEventInline, OrderDocumentInline]
    readonly_fields = [f.name for f in Order._meta.fields if f.name not in ("id",)]
    actions = ["cancel_orders"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False

    @admin.action(description=_("Cancel the selected orders (before shipping)"))
    def cancel_orders(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        done = 0
        for order in queryset:
            try:
                order_transition(
                    order=order,
                    to=OrderStatus.CANCELLED,
                    by=request.user,
                    cancel_reason=CancelReason.STAFF,
                )
                done += 1
            except ShopError as error:
                self.message_user(request, f"{order.number}: {error}", messages.ERROR)
        if done:
            self.message_user(request, _("%(count)s orders cancelled.") % {"count": done})


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
