from django.contrib import admin

from .models import Payment, PaymentEvent, ReconciliationItem, Refund, StripeEvent


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


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    """Webhook events as Stripe sent them (secrets removed); read-only."""

    list_display = ["event_id", "type", "received_at", "processed_at"]
    list_filter = ["type"]
    search_fields = ["event_id"]
    readonly_fields = ["event_id", "type", "payload", "received_at", "processed_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReconciliationItem)
class ReconciliationItemAdmin(admin.ModelAdmin):
    """Where Stripe and the ledger disagree (the nightly comparison); staff look at each."""

    list_display = ["kind", "reference", "amount", "currency", "payment", "found_at", "resolved"]
    list_filter = ["resolved", "kind"]
    search_fields = ["reference"]
    list_select_related = ["payment"]
    readonly_fields = [
        "kind", "reference", "payment", "amount", "currency", "detail", "found_at"
    ]  # fmt: skip
    fields = [*readonly_fields, "resolved"]

    def has_add_permission(self, request) -> bool:
        return False
