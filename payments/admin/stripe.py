"""What Stripe told us (webhook events), where it disagrees with the ledger, saved cards."""

from django.contrib import admin

from ..models import (
    ReconciliationItem,
    SavedCard,
    StripeEvent,
)


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


@admin.register(SavedCard)
class SavedCardAdmin(admin.ModelAdmin):
    list_display = ["user", "brand", "last4", "exp_month", "exp_year", "is_default"]
    search_fields = ["user__email", "last4"]
    list_select_related = ["user"]
    readonly_fields = [
        "user", "payment_method_id", "brand", "last4", "exp_month", "exp_year", "is_default",
        "created_at",
    ]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False
