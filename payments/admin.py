from django.contrib import admin

from .models import Payment, PaymentEvent, Refund


class PaymentEventInline(admin.TabularInline):
    model = PaymentEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "amount", "currency", "reference", "message", "created_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = ["created_at", "amount", "currency", "status", "reason", "reference", "created_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Read-only: money moves through the payments services, never by editing a row."""

    list_display = [
        "order", "method", "status", "amount", "currency", "needs_review", "created_at"
    ]  # fmt: skip
    list_filter = ["method", "status", "needs_review"]
    search_fields = ["order__number", "reference"]
    list_select_related = ["order"]
    inlines = [PaymentEventInline, RefundInline]
    readonly_fields = [
        "order", "method", "status", "amount", "currency", "reference", "started_at",
        "needs_review", "review_note", "created_at",
    ]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
