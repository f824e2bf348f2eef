"""Loyalty points for staff: accounts with their entries (read-only), audited adjustments with
a reason (their own permission), and the tiers staff edit."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from shop.admin_safety import ReadOnlyInlineMixin
from shop.exceptions import ShopError

from ..models import LoyaltyTier, PointsAccount, PointsEntry
from ..services.points import points_adjust, points_balance, points_summary

ADJUST_POINTS_PERMISSION = "payments.adjust_points"


class PointsEntryInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = PointsEntry
    fk_name = "account"
    fields = ["created_at", "kind", "points", "expires_at", "order", "reason", "created_by"]
    ordering = ["-created_at", "-pk"]


class PointsAdjustForm(forms.Form):
    points = forms.IntegerField(
        label=_("points"),
        help_text=_("Positive to give, negative to take."),
        min_value=-10_000_000,
        max_value=10_000_000,
    )
    reason = forms.CharField(label=_("reason"), max_length=255)


@admin.register(PointsAccount)
class PointsAccountAdmin(admin.ModelAdmin):
    """A customer's points: the balance, the next expiry and every entry; "Adjust" for staff
    with the adjust permission."""

    list_display = ["user", "created_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "created_at", "current_balance", "next_expiry"]
    fields = readonly_fields
    inlines = [PointsEntryInline]
    change_form_template = "admin/payments/pointsaccount/change_form.html"

    @admin.display(description=_("points"))
    def current_balance(self, obj: PointsAccount) -> int:
        return points_balance(user_id=obj.user_id)

    @admin.display(description=_("next expiry"))
    def next_expiry(self, obj: PointsAccount) -> str:
        summary = points_summary(user_id=obj.user_id)
        if summary.next_expiry_at is None:
            return "—"
        return f"{summary.next_expiry_points} · {summary.next_expiry_at:%Y-%m-%d}"

    def get_urls(self) -> list:
        return [
            path(
                "<int:pk>/adjust/",
                self.admin_site.admin_view(self.adjust_view),
                name="payments_pointsaccount_adjust",
            ),
            *super().get_urls(),
        ]

    def adjust_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm(ADJUST_POINTS_PERMISSION):
            raise PermissionDenied
        account = get_object_or_404(PointsAccount.objects.select_related("user"), pk=pk)
        form = PointsAdjustForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                points_adjust(
                    user=account.user,
                    points=form.cleaned_data["points"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ShopError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The points have been adjusted."))
                return HttpResponseRedirect(
                    reverse("admin:payments_pointsaccount_change", args=[account.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Adjust points"),
            "account": account,
            "balance": points_balance(user_id=account.user_id),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/payments/pointsaccount/adjust.html", context)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PointsEntry)
class PointsEntryAdmin(admin.ModelAdmin):
    """The points ledger, read-only."""

    list_display = ["created_at", "account", "kind", "points", "expires_at", "order", "reason"]
    list_filter = ["kind"]
    search_fields = ["account__user__email", "key", "reason"]
    list_select_related = ["account__user", "order"]
    readonly_fields = ["account", "kind", "points", "key", "order", "expires_at", "amount",
                       "reason", "created_by", "created_at"]  # fmt: skip
    fields = readonly_fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LoyaltyTier)
class LoyaltyTierAdmin(admin.ModelAdmin):
    list_display = ["name", "min_spend", "points_multiplier", "free_shipping"]
