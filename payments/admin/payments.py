"""Payments: the read-only ledger per attempt, and the money actions on one (refund, e-check
decision, cash collected, resolve), each behind its permission; the daily money report."""

import csv
import uuid
from datetime import date, datetime, time, timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.admin_safety import ReadOnlyInlineMixin
from shop.exceptions import ShopError
from shop.money import format_money

from .. import selectors, services
from ..forms import CashCollectedForm, ECheckDecisionForm, RefundForm, ResolveForm
from ..models import (
    ECheck,
    Payment,
    PaymentEvent,
    Refund,
)
from ..states import REFUNDABLE, PaymentMethod, PaymentStatus
from .permissions import CASH_PERMISSION, ECHECK_PERMISSION, REFUND_PERMISSION, RESOLVE_PERMISSION


class ECheckInline(ReadOnlyInlineMixin, admin.StackedInline):
    """What the customer signed: the account only as its last 4 digits, and the seal."""

    model = ECheck
    fields = [
        "number", "payee", "amount", "currency", "date", "account_holder", "account_last4",
        "signer_name", "authorized_at", "ip_address", "seal_check", "cleared_at", "bounced_at",
        "bounce_reason",
    ]  # fmt: skip

    @admin.display(description=_("seal"))
    def seal_check(self, check: ECheck) -> str:
        return _("valid") if services.echeck_seal_valid(check=check) else _("BROKEN: changed")


class PaymentEventInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = PaymentEvent
    fields = ["created_at", "kind", "amount", "currency", "reference", "message", "created_by"]


class RefundInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Refund
    fields = ["created_at", "amount", "currency", "status", "reason", "reference", "created_by"]


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
    inlines = [PaymentEventInline, RefundInline, ECheckInline]
    change_form_template = "admin/payments/payment/change_form.html"
    change_list_template = "admin/payments/payment/change_list.html"
    readonly_fields = [
        "order", "purpose", "user", "tab", "method", "status", "amount", "currency", "reference",
        "started_at",
        "needs_review", "review_note", "created_at",
    ]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        payment = Payment.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        extra = {
            "can_refund": payment is not None
            and payment.status in REFUNDABLE
            and request.user.has_perm(REFUND_PERMISSION),
            "can_decide_echeck": payment is not None
            and payment.method == PaymentMethod.ECHECK
            and payment.status
            in (PaymentStatus.CLEARING, PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED)
            and request.user.has_perm(ECHECK_PERMISSION),
            "can_record_cash": payment is not None
            and payment.status == PaymentStatus.COD_DUE
            and request.user.has_perm(CASH_PERMISSION),
            "can_resolve": payment is not None
            and payment.needs_review
            and request.user.has_perm(RESOLVE_PERMISSION),
        }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("daily/", view(self.daily_view), name="payments_payment_daily"),
            path("<int:pk>/refund/", view(self.refund_view), name="payments_payment_refund"),
            path("<int:pk>/echeck/", view(self.echeck_view), name="payments_payment_echeck"),
            path("<int:pk>/cash/", view(self.cash_view), name="payments_payment_cash"),
            path("<int:pk>/resolve/", view(self.resolve_view), name="payments_payment_resolve"),
            *super().get_urls(),
        ]

    def daily_view(self, request: HttpRequest) -> HttpResponse:
        """Per method and day: captured, refunded, pending, failed, Stripe differences; CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        start = _date_param(request, "from", today - timedelta(days=6))
        end = _date_param(request, "until", today)
        if end < start:
            start, end = end, start
        zone = timezone.get_current_timezone()
        rows = selectors.daily_money(
            since=datetime.combine(start, time.min, tzinfo=zone),
            until=datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
        )
        if request.GET.get("format") == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="payments-{start}-{end}.csv"'
            writer = csv.writer(response)
            writer.writerow(
                ["day", "method", "captured", "refunded", "pending", "failed", "differences"]
            )
            for row in rows:
                writer.writerow(
                    [row.day, row.method, row.captured, row.refunded, row.pending,
                     row.failed, row.differences]
                )  # fmt: skip
            return response
        context = {
            **self.admin_site.each_context(request),
            "title": _("Payments by day"),
            "rows": rows,
            "start": start,
            "end": end,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/payments/daily.html", context)

    def refund_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Give back part or all of a payment: the refundable amount prefilled, a reason asked."""
        payment = get_object_or_404(Payment, pk=pk)
        back = _back_to_order(request, payment)
        if not request.user.has_perm(REFUND_PERMISSION):
            self.message_user(request, _("You may not refund payments."), messages.ERROR)
            return HttpResponseRedirect(back)
        form = RefundForm(
            request.POST or None,
            initial={"amount": payment.refundable(), "key": uuid.uuid4().hex},
        )
        if request.method == "POST" and form.is_valid():
            try:
                refund = services.payment_refund(
                    payment=payment,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    key=f"admin-{form.cleaned_data['key']}" if form.cleaned_data["key"] else "",
                    by=request.user,
                )
            except ShopError as error:
                form.add_error("amount", str(error))
            else:
                failed = refund.status == Refund.Status.FAILED
                text = _("Refund of %(amount)s: %(status)s.") % {
                    "amount": format_money(refund.amount, refund.currency),
                    "status": refund.get_status_display(),
                }
                # A refused refund says why (the bank's answer, a tab being paid right now).
                if failed and refund.message:
                    text = f"{text} {refund.message}"
                self.message_user(request, text, messages.ERROR if failed else messages.SUCCESS)
                return HttpResponseRedirect(back)
        return self._money_page(
            request, payment, form, title=_("Refund"), button=_("Refund"), back=back
        )

    def echeck_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Clear a check whose money arrived, record its bounce, or its return after clearing."""
        payment = get_object_or_404(Payment, pk=pk)
        back = reverse("admin:payments_payment_change", args=[pk])
        if not request.user.has_perm(ECHECK_PERMISSION):
            self.message_user(request, _("You may not clear or bounce e-checks."), messages.ERROR)
            return HttpResponseRedirect(back)
        form = ECheckDecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                decision = form.cleaned_data["decision"]
                if decision == ECheckDecisionForm.CLEAR:
                    services.echeck_clear(payment=payment, by=request.user)
                elif decision == ECheckDecisionForm.RETURN:
                    services.echeck_return(
                        payment=payment, reason=form.cleaned_data["reason"], by=request.user
                    )
                else:
                    services.echeck_bounce(
                        payment=payment, reason=form.cleaned_data["reason"], by=request.user
                    )
            except ShopError as error:
                form.add_error(None, str(error))
            else:
                payment.refresh_from_db()
                self.message_user(request, payment.get_status_display())
                return HttpResponseRedirect(back)
        return self._money_page(
            request, payment, form, title=_("E-check"), button=_("Save"), back=back
        )

    def cash_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Record the cash the courier collected; another amount than due is flagged."""
        payment = get_object_or_404(Payment, pk=pk)
        back = _back_to_order(request, payment)
        if not request.user.has_perm(CASH_PERMISSION):
            self.message_user(request, _("You may not record cash collected."), messages.ERROR)
            return HttpResponseRedirect(back)
        form = CashCollectedForm(request.POST or None, initial={"amount": payment.amount})
        if request.method == "POST" and form.is_valid():
            try:
                payment = services.payment_collect_cash(
                    payment=payment, amount=form.cleaned_data["amount"], by=request.user
                )
            except ShopError as error:
                form.add_error("amount", str(error))
            else:
                if payment.needs_review:
                    self.message_user(request, payment.review_note, messages.WARNING)
                else:
                    self.message_user(request, payment.get_status_display())
                return HttpResponseRedirect(back)
        return self._money_page(
            request, payment, form, title=_("Cash collected"), button=_("Save"), back=back
        )

    def resolve_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Resolve a flagged payment: accept what was taken, or correct the amount taken."""
        payment = get_object_or_404(Payment, pk=pk)
        back = _back_to_order(request, payment)
        if not request.user.has_perm(RESOLVE_PERMISSION):
            self.message_user(request, _("You may not resolve payments."), messages.ERROR)
            return HttpResponseRedirect(back)
        form = ResolveForm(request.POST or None, initial={"key": uuid.uuid4().hex})
        if request.method == "POST" and form.is_valid():
            try:
                payment = services.payment_resolve(
                    payment=payment,
                    resolution=form.cleaned_data["resolution"],
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    key=form.cleaned_data["key"],
                    by=request.user,
                )
            except ShopError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, payment.get_status_display())
                return HttpResponseRedirect(back)
        return self._money_page(
            request, payment, form, title=_("Resolve the payment"), button=_("Save"), back=back
        )

    def _money_page(self, request, payment, form, *, title, button, back) -> TemplateResponse:
        summary = _("%(payment)s — %(status)s, refundable %(refundable)s") % {
            "payment": payment,
            "status": payment.get_status_display(),
            "refundable": format_money(payment.refundable(), payment.currency),
        }
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "subject": str(payment),
            "summary": summary,
            "form": form,
            "button": button,
            "back_url": back,
        }
        return TemplateResponse(request, "admin/payments/money_action.html", context)


def _back_to_order(request: HttpRequest, payment: Payment) -> str:
    """Back to the order's page when the action was started there, else the payment's."""
    if payment.order_id and request.GET.get("from") == "order":
        return reverse("admin:orders_order_change", args=[payment.order_id])
    return reverse("admin:payments_payment_change", args=[payment.pk])


def _date_param(request: HttpRequest, name: str, default: date) -> date:
    try:
        return date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return default
