from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from shop.exceptions import ShopError
from shop.models import User

from .models import (
    BalanceAccount,
    BalanceEntry,
    Payment,
    PaymentEvent,
    ReconciliationItem,
    Refund,
    SavedCard,
    StripeEvent,
    Tab,
)
from .services import balance_adjust


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
        "order", "purpose", "user", "method", "status", "amount", "currency", "needs_review",
        "created_at",
    ]  # fmt: skip
    list_filter = ["purpose", "method", "status", "needs_review"]
    search_fields = ["order__number", "reference", "user__email"]
    list_select_related = ["order", "user"]
    inlines = [PaymentEventInline, RefundInline]
    readonly_fields = [
        "order", "purpose", "user", "tab", "method", "status", "amount", "currency", "reference",
        "started_at",
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


class BalanceEntryInline(admin.TabularInline):
    model = BalanceEntry
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "amount", "currency", "reason", "payment", "created_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BalanceAccount)
class BalanceAccountAdmin(admin.ModelAdmin):
    """A customer's prepaid balance and its entries; staff adjust it under "Balance entries"."""

    list_display = ["user", "currency", "created_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "currency", "created_at", "current_balance"]
    fields = readonly_fields
    inlines = [BalanceEntryInline]

    @admin.display(description=_("balance"))
    def current_balance(self, obj: BalanceAccount) -> str:
        return f"{obj.balance()} {obj.currency}"

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AdjustmentForm(forms.ModelForm):
    customer = forms.ModelChoiceField(queryset=User.objects.all(), label=_("customer"))

    class Meta:
        model = BalanceEntry
        fields = ["amount", "reason"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = True
        self.fields["amount"].help_text = _("Positive to credit, negative to debit.")


@admin.register(BalanceEntry)
class BalanceEntryAdmin(admin.ModelAdmin):
    """The balance ledger, read-only; "add" makes an audited staff adjustment with a reason."""

    list_display = ["created_at", "account", "kind", "amount", "currency", "reason", "created_by"]
    list_filter = ["kind"]
    search_fields = ["account__user__email", "key", "reason"]
    list_select_related = ["account__user", "created_by"]
    form = AdjustmentForm

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["customer", "amount", "reason"]
        return ["account", "kind", "amount", "currency", "key", "payment", "reason", "created_by",
                "created_at"]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []

    def save_model(self, request, obj, form, change) -> None:
        try:
            entry = balance_adjust(
                user=form.cleaned_data["customer"],
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ShopError as error:
            messages.error(request, str(error))
            obj.pk = None
            return
        obj.pk = entry.pk

    def log_addition(self, request, obj, message):
        if obj.pk is None:
            return None
        return super().log_addition(request, BalanceEntry.objects.get(pk=obj.pk), message)

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
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


@admin.register(Tab)
class TabAdmin(admin.ModelAdmin):
    list_display = ["user", "status", "opened_at", "settled_at", "settle_attempts"]
    list_filter = ["status"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    readonly_fields = [
        "user", "status", "currency", "opened_at", "settled_at", "settle_attempts", "last_error",
        "customer_told_at",
    ]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
