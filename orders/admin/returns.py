"""Returns: staff decide claims, receive parcels and refund, through the return services."""

from datetime import timedelta

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from shop.admin_safety import MalformedFilterSafeMixin
from shop.exceptions import ShopError

from .. import selectors, services
from ..models import Return, ReturnLine, TrustedCustomer
from ..states import ReturnStatus
from .inlines import HistoryInline
from .permissions import REFUND_PERMISSION, RETURN_PERMISSION


class RefundDueFilter(admin.SimpleListFilter):
    """Refunds coming due: received or awaited returns by their legal deadline."""

    title = _("refund due")
    parameter_name = "due"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [
            ("overdue", _("Overdue")),
            ("week", _("Due within 7 days")),
            ("open", _("Not refunded yet")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Return]) -> QuerySet[Return]:
        waiting = queryset.filter(
            status__in=[ReturnStatus.APPROVED, ReturnStatus.RECEIVED], refund_due_by__isnull=False
        )
        now = timezone.now()
        if self.value() == "overdue":
            return waiting.filter(refund_due_by__lt=now)
        if self.value() == "week":
            return waiting.filter(refund_due_by__lt=now + timedelta(days=7))
        if self.value() == "open":
            return waiting
        return queryset


class ReturnLineInline(HistoryInline):
    model = ReturnLine
    fields = ["order_line", "quantity", "amount", "restock", "exchange_variant", "exchange_price"]


class ExchangeFilter(admin.SimpleListFilter):
    """Exchanges (a replacement order sends other sizes or colours) or plain returns."""

    title = _("exchange")
    parameter_name = "exchange"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("yes", _("Exchanges")), ("no", _("Returns for a refund"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Return]) -> QuerySet[Return]:
        if self.value() == "yes":
            return queryset.filter(replacement__isnull=False)
        if self.value() == "no":
            return queryset.filter(replacement__isnull=True)
        return queryset


@admin.register(TrustedCustomer)
class TrustedCustomerAdmin(MalformedFilterSafeMixin, admin.ModelAdmin):
    """Customers whose exchanges ship at once, before their return arrives: staff with the
    trusted customer permissions (add, change, delete) keep this list."""

    list_display = ["user", "note", "added_by", "added_at"]
    list_select_related = ["user", "added_by"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "note"]
    autocomplete_fields = ["user"]
    fields = ["user", "note", "added_by", "added_at"]
    readonly_fields = ["added_by", "added_at"]

    def save_model(
        self, request: HttpRequest, obj: TrustedCustomer, form: object, change: bool
    ) -> None:
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Return)
class ReturnAdmin(MalformedFilterSafeMixin, admin.ModelAdmin):
    """Returns: staff decide claims, receive parcels (restock per line) and refund, only
    through the return services and with the `orders.handle_return` permission."""

    list_display = [
        "number",
        "order",
        "kind",
        "reason_code",
        "status",
        "amount",
        "replacement",
        "refund_due_by",
        "requested_at",
    ]
    list_filter = [RefundDueFilter, ExchangeFilter, "status", "kind", "reason_code"]
    list_select_related = ["order", "replacement"]
    search_fields = ["number", "order__number", "order__email"]
    ordering = ["refund_due_by", "-requested_at"]
    inlines = [ReturnLineInline]
    readonly_fields = [
        "next_actions",
        "number",
        "order_link",
        "kind",
        "status",
        "reason_code",
        "reason",
        "staff_note",
        "amount",
        "shipping_refund",
        "currency",
        "requested_at",
        "decided_at",
        "received_at",
        "refunded_at",
        "refund_due_by",
        "refund",
        "refund_account",  # where cash goes back: shown as the holder and the last 4 digits
        "replacement_link",
        "replacement_released_at",
        "created_by",
    ]
    exclude = ["order", "replacement", "request_key"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Return | None = None) -> bool:
        return False

    @admin.display(description=_("order"))
    def order_link(self, order_return: Return) -> str:
        url = reverse("admin:orders_order_change", args=[order_return.order_id])
        return format_html('<a href="{}">{}</a>', url, order_return.order.number)

    @admin.display(description=_("exchange: replacement order"))
    def replacement_link(self, order_return: Return) -> str:
        """The order sending the sizes or colours chosen instead, and whether it may ship."""
        replacement = order_return.replacement
        if replacement is None:
            return "—"
        url = reverse("admin:orders_order_change", args=[replacement.pk])
        if order_return.replacement_released_at is not None:
            state = _("released for shipping")
        else:
            state = _("held until the return is received")
        return format_html(
            '<a href="{}">{}</a> · {} · {}',
            url,
            replacement.number,
            replacement.get_status_display(),
            state,
        )

    @admin.display(description=_("next steps"))
    def next_actions(self, order_return: Return) -> str:
        """The steps the returns' table allows now only; they post the page's form."""
        context = selectors.return_actions(order_return=order_return)
        return render_to_string("admin/orders/return/next_actions.html", context)

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/act/", view(self.act_view), name="orders_return_act"),
            *super().get_urls(),
        ]

    def act_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """One return step from the return's screen; refused with a message if not allowed."""
        order_return = get_object_or_404(Return, pk=pk)
        back = HttpResponseRedirect(reverse("admin:orders_return_change", args=[pk]))
        if request.method != "POST":
            return back
        if not request.user.has_perm(RETURN_PERMISSION):
            self.message_user(request, _("You may not handle returns."), messages.ERROR)
            return back
        action = request.POST.get("act", "")
        try:
            if action in ("approve", "reject"):
                services.return_decide(
                    order_return=order_return,
                    approve=action == "approve",
                    note=request.POST.get("decision_note", ""),
                    by=request.user,
                )
            elif action == "receive":
                restock = {
                    line.pk: request.POST.get(f"restock-{line.pk}", "")
                    for line in order_return.lines.all()
                }
                services.return_receive(order_return=order_return, restock=restock, by=request.user)
            elif action == "cancel":
                services.return_cancel(
                    order_return=order_return,
                    note=request.POST.get("decision_note", ""),
                    by=request.user,
                )
            elif action == "refund":
                if not request.user.has_perm(REFUND_PERMISSION):
                    self.message_user(request, _("You may not refund payments."), messages.ERROR)
                    return back
                services.return_refund(order_return=order_return, by=request.user)
            else:
                self.message_user(request, _("Unknown step."), messages.ERROR)
                return back
        except ShopError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            order_return.refresh_from_db()
            self.message_user(
                request,
                _("%(number)s is now “%(status)s”.")
                % {"number": order_return.number, "status": order_return.get_status_display()},
            )
        return back
