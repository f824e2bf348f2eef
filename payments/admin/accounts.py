"""The customer's stored money: the prepaid balance and its entries (staff adjustments), tabs."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from shop.admin_safety import ReadOnlyInlineMixin
from shop.exceptions import ShopError
from shop.models import User
from shop.money import format_money

from ..models import (
    BalanceAccount,
    BalanceEntry,
    Tab,
)
from ..services import balance_adjust


class BalanceEntryInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = BalanceEntry
    fields = ["created_at", "kind", "amount", "currency", "reason", "payment", "created_by"]


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
        return format_money(obj.balance(), obj.currency)

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

    def get_form(
        self,
        request: HttpRequest,
        obj: BalanceEntry | None = None,
        change: bool = False,
        **kwargs: object,
    ) -> type[forms.ModelForm]:
        # An entry is read, never edited: its page needs no adjustment form (its fields
        # `customer`, `amount` and `reason` are not on that page).
        if obj is not None:
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change, **kwargs)

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
