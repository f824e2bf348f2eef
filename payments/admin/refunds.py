"""Refunds, and confirming one paid out by bank transfer."""

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from shop.exceptions import ShopError

from .. import services
from ..forms import PayoutForm
from ..models import (
    Refund,
)
from .permissions import REFUND_PERMISSION


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    """Refunds, with those still waiting for a bank transfer first; staff confirm the payout."""

    list_display = ["created_at", "payment", "amount", "currency", "status", "reason", "reference"]
    list_filter = ["status"]
    search_fields = ["payment__order__number", "reference"]
    list_select_related = ["payment__order"]
    change_form_template = "admin/payments/refund/change_form.html"
    readonly_fields = [
        "payment", "amount", "currency", "status", "reason", "reference", "message",
        "created_by", "created_at",
    ]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/payout/", view(self.payout_view), name="payments_refund_payout"),
            *super().get_urls(),
        ]

    def payout_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Confirm a refund paid by bank transfer (e-check, cash collected at the door)."""
        refund = get_object_or_404(Refund, pk=pk)
        back = reverse("admin:payments_refund_change", args=[pk])
        if not request.user.has_perm(REFUND_PERMISSION):
            self.message_user(request, _("You may not refund payments."), messages.ERROR)
            return HttpResponseRedirect(back)
        if refund.status != Refund.Status.AWAITING_PAYOUT:
            # Only a refund waiting for a bank transfer is paid by hand (a card refund that
            # has not reached Stripe is sent again by the periodic job, never paid twice).
            self.message_user(
                request, _("This refund is not waiting for a bank transfer."), messages.ERROR
            )
            return HttpResponseRedirect(back)
        form = PayoutForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.refund_confirm_payout(
                    refund=refund, reference=form.cleaned_data["reference"], by=request.user
                )
            except ShopError as error:
                form.add_error("reference", str(error))
            else:
                return HttpResponseRedirect(back)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Bank transfer paid"),
            "subject": str(refund),
            "summary": str(refund.payment),
            "form": form,
            "button": _("Confirm the payout"),
            "back_url": back,
            # The account the customer gave for a cash refund: shown in full only here, where
            # staff make the transfer, and each look is audited.
            "payout_account": getattr(refund, "account", None),
            "payout_iban": services.refund_account_reveal(refund=refund, by=request.user),
        }
        return TemplateResponse(request, "admin/payments/money_action.html", context)
