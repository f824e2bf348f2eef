from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from payments.models import Payment
from payments.states import REFUNDABLE, PaymentStatus
from shop.admin_safety import MalformedFilterSafeMixin, ReadOnlyInlineMixin
from shop.exceptions import ShopError
from shop.templatetags.shop_tags import money, vat_percent

from . import selectors, services
from .models import (
    Address,
    BillingType,
    Carrier,
    Coupon,
    CouponRedemption,
    CreditNote,
    DownloadLink,
    Invoice,
    Order,
    OrderDocument,
    OrderEvent,
    OrderLine,
    Return,
    ReturnLine,
    Shipment,
    ShippingMethod,
    ShippingRate,
    ShippingRegion,
)
from .states import OrderStatus, ReturnStatus

RETURN_PERMISSION = "orders.handle_return"
REFUND_PERMISSION = "payments.refund_payment"
# Invoices and credit notes name the buyer (T.C. or tax number): a permission of their own.
INVOICE_PERMISSION = "orders.download_invoice"


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


class HistoryInline(ReadOnlyInlineMixin, admin.TabularInline):
    """An order's record (lines, events, documents): shown to staff, never edited."""


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


class PaymentInline(HistoryInline):
    """The order's payment attempts and every ledger row of each (money moves elsewhere)."""

    model = Payment
    fields = ["attempt", "method", "status", "amount", "refundable_now", "ledger", "money_actions"]
    verbose_name_plural = _("payments and their ledger")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Payment]:
        # Inline instances are made per request: the money actions this user may take.
        self.allowed = {
            name
            for name in ("refund_payment", "record_cash", "resolve_payment")
            if request.user.has_perm(f"payments.{name}")
        }
        return super().get_queryset(request).prefetch_related("events")

    @admin.display(description=_("money actions"))
    def money_actions(self, payment: Payment) -> str:
        """Refund (amount and reason) or record the cash collected, each with its permission."""
        allowed = getattr(self, "allowed", set())
        links = []
        if "refund_payment" in allowed and payment.status in REFUNDABLE:
            url = reverse("admin:payments_payment_refund", args=[payment.pk]) + "?from=order"
            links.append((url, f"refund-{payment.pk}", _("Refund…")))
        if "record_cash" in allowed and payment.status == PaymentStatus.COD_DUE:
            url = reverse("admin:payments_payment_cash", args=[payment.pk]) + "?from=order"
            links.append((url, f"cash-{payment.pk}", _("Record cash collected…")))
        if "resolve_payment" in allowed and payment.needs_review:
            url = reverse("admin:payments_payment_resolve", args=[payment.pk]) + "?from=order"
            links.append((url, f"resolve-{payment.pk}", _("Resolve…")))
        if not links:
            return "—"
        return format_html_join(" ", '<a class="button" href="{}" id="{}">{}</a>', links)

    @admin.display(description=_("attempt"))
    def attempt(self, payment: Payment) -> str:
        url = reverse("admin:payments_payment_change", args=[payment.pk])
        return format_html('<a href="{}">#{}</a>', url, payment.pk)

    @admin.display(description=_("refundable"))
    def refundable_now(self, payment: Payment) -> str:
        return f"{payment.refundable()} {payment.currency}"

    @admin.display(description=_("ledger"))
    def ledger(self, payment: Payment) -> str:
        rows = [
            (e.created_at.strftime("%Y-%m-%d %H:%M"), e.get_kind_display(), e.amount, e.currency)
            for e in payment.events.all()
        ]
        if not rows:
            return "—"
        return format_html_join(mark_safe("<br>"), "{} · {} · {} {}", rows)


class OrderEventInline(HistoryInline):
    model = OrderEvent
    fields = ["created_at", "from_status", "to_status", "kind", "actor", "note"]


class ShipmentInline(HistoryInline):
    model = Shipment
    fields = ["carrier", "tracking_number", "status", "shipped_at", "delivered_at", "track"]

    def get_readonly_fields(self, request: HttpRequest, obj: Order | None = None) -> list[str]:
        return list(self.fields)

    @admin.display(description=_("tracking link"))
    def track(self, shipment: Shipment) -> str:
        if not shipment.tracking_url:
            return "—"
        return format_html('<a href="{}" rel="noopener">{}</a>', shipment.tracking_url, _("Track"))


class ReturnInline(HistoryInline):
    """The order's returns; staff open one to decide, receive and refund it."""

    model = Return
    fields = ["code", "kind", "status", "amount", "refund_due_by", "requested_at"]

    @admin.display(description=_("return code"))
    def code(self, order_return: Return) -> str:
        url = reverse("admin:orders_return_change", args=[order_return.pk])
        return format_html('<a href="{}">{}</a>', url, order_return.number)


class LateToShipFilter(admin.SimpleListFilter):
    """Orders not shipped within ORDER_SHIP_WITHIN_DAYS of placement, for staff to act on."""

    title = _("shipping")
    parameter_name = "late"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("yes", _("Late to ship"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Order]) -> QuerySet[Order]:
        if self.value() != "yes":
            return queryset
        late = selectors.orders_late(now=timezone.now(), days=settings.ORDER_SHIP_WITHIN_DAYS)
        return queryset.filter(pk__in=late.values("pk"))


class OrderDocumentInline(HistoryInline):
    template = "admin/edit_inline/stacked.html"
    model = OrderDocument
    fields = ["kind", "version", "language", "accepted_at", "ip_address", "text"]


# Stored as JSON snapshots; staff read them as an address block and a VAT table instead.
_READABLE_JSON = ("shipping_address", "billing_address", "vat_breakdown")


def address_block(snapshot: dict, *, with_identity: bool = False) -> str:
    """An order's address snapshot as a person reads it, with the invoice identity if asked."""
    if not snapshot:
        return "—"
    lines = list(snapshot.get("lines") or [])
    if snapshot.get("phone"):
        lines.append(snapshot["phone"])
    if with_identity:
        if snapshot.get("billing_type") == BillingType.COMPANY:
            lines.append(
                _("Tax office / number: %(office)s / %(number)s")
                % {
                    "office": snapshot.get("tax_office", ""),
                    "number": snapshot.get("tax_number", ""),
                }
            )
        elif snapshot.get("national_id"):
            lines.append(_("T.C. identity number: %(id)s") % {"id": snapshot["national_id"]})
    return format_html(
        '<address class="order-address">{}</address>',
        format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines)),
    )


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
    list_filter = [
        "needs_review",
        LateToShipFilter,
        "status",
        "payment_status",
        "payment_method",
        "placed_at",
    ]
    search_fields = ["number", "email", "phone", "user__email"]
    date_hierarchy = "placed_at"
    list_select_related = ["user"]
    inlines = [
        OrderLineInline,
        PaymentInline,
        ShipmentInline,
        ReturnInline,
        OrderEventInline,
        OrderDocumentInline,
    ]
    exclude = _READABLE_JSON
    readonly_fields = [
        "next_steps",
        "messages_sent",
        "invoice_link",
        *[f.name for f in Order._meta.fields if f.name not in ("id", *_READABLE_JSON)],
        "delivery_address_block",
        "billing_address_block",
        "vat_table",
    ]
    actions = [
        "start_preparing",
        "mark_packed",
        "ship_orders",
        "mark_delivered",
        "print_pick_list",
        "print_packing_slips",
        "cancel_orders",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Order | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        # The invoice link only for those who may download it (the PDF names the buyer).
        if not request.user.has_perm(INVOICE_PERMISSION):
            fields.remove("invoice_link")
        return fields

    # --- the order's screen: allowed steps, messages, invoice --------------------------------

    @admin.display(description=_("next steps"))
    def next_steps(self, order: Order) -> str:
        """Buttons for the steps allowed now only (they post the page's form to the step URL)."""
        step_url = reverse("admin:orders_order_step", args=[order.pk])
        buttons = []
        for status in services.order_next_steps(order=order):
            if status == OrderStatus.SHIPPED:
                url = reverse("admin:orders_order_ship") + f"?ids={order.pk}"
                buttons.append(format_html('<a class="button" href="{}">{}</a>', url, _("Ship…")))
                continue
            buttons.append(
                format_html(
                    '<button type="submit" class="button" formaction="{}" name="step" '
                    'value="{}">{}</button>',
                    step_url,
                    status,
                    OrderStatus(status).label,
                )
            )
        return format_html_join(" ", "{}", ((b,) for b in buttons)) if buttons else "—"

    @admin.display(description=_("messages sent"))
    def messages_sent(self, order: Order) -> str:
        from crm.notifications.models import Message

        sent = Message.objects.filter(subject_type="order", subject_id=str(order.pk)).order_by(
            "created_at", "pk"
        )
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    m.created_at.strftime("%Y-%m-%d %H:%M"),
                    m.kind,
                    m.get_channel_display(),
                    m.recipient,
                    m.get_status_display(),
                )
                for m in sent
            ),
        )
        return format_html('<table class="messages-sent">{}</table>', rows) if rows else "—"

    @admin.display(description=_("delivery address"))
    def delivery_address_block(self, order: Order) -> str:
        return address_block(order.shipping_address)

    @admin.display(description=_("billing address and identity"))
    def billing_address_block(self, order: Order) -> str:
        return address_block(order.billing_address, with_identity=True)

    @admin.display(description=_("VAT per rate"))
    def vat_table(self, order: Order) -> str:
        if not order.vat_breakdown:
            return "—"
        rows = format_html_join(
            "",
            '<tr><th scope="row">{}</th><td class="money">{}</td></tr>',
            (
                (vat_percent(rate), money(Decimal(amount), order.currency))
                for rate, amount in sorted(order.vat_breakdown.items(), key=lambda i: Decimal(i[0]))
            ),
        )
        return format_html(
            '<table class="vat-table"><thead><tr><th scope="col">{}</th><th scope="col">{}</th>'
            '</tr></thead><tbody>{}</tbody><tfoot><tr><th scope="row">{}</th>'
            '<td class="money">{}</td></tr></tfoot></table>',
            _("VAT rate"),
            _("VAT included"),
            rows,
            _("Total VAT"),
            money(order.vat, order.currency),
        )

    @admin.display(description=_("invoice"))
    def invoice_link(self, order: Order) -> str:
        invoice = Invoice.objects.filter(order=order).first()
        if invoice is None:
            return "—"
        url = reverse("admin:orders_order_invoice", args=[order.pk])
        return format_html('<a href="{}">{} (PDF)</a>', url, invoice.number)

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/step/", view(self.step_view), name="orders_order_step"),
            path("<int:pk>/invoice/", view(self.invoice_view), name="orders_order_invoice"),
            path("ship/", view(self.ship_view), name="orders_order_ship"),
            *super().get_urls(),
        ]

    def step_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """One allowed step from the order's screen; anything else is refused with a message."""
        order = get_object_or_404(Order, pk=pk)
        change_url = reverse("admin:orders_order_change", args=[pk])
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        if not self.has_change_permission(request, order):
            self.message_user(request, _("You may not change orders."), messages.ERROR)
            return HttpResponseRedirect(change_url)
        step = request.POST.get("step", "")
        if step not in OrderStatus.values:
            self.message_user(request, _("Unknown step."), messages.ERROR)
            return HttpResponseRedirect(change_url)
        try:
            services.order_step(order=order, to=step, by=request.user)
        except ShopError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                _("%(number)s is now “%(status)s”.")
                % {"number": order.number, "status": OrderStatus(step).label},
            )
        return HttpResponseRedirect(change_url)

    def invoice_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The order's invoice PDF: its own permission, and every download is audited."""
        if not request.user.has_perm(INVOICE_PERMISSION):
            raise PermissionDenied
        invoice = get_object_or_404(Invoice.objects.select_related("order"), order_id=pk)
        pdf = services.invoice_download(invoice=invoice, by=request.user)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{invoice.number}.pdf"'
        return response

    def ship_view(self, request: HttpRequest) -> HttpResponse:
        """The ship step: a carrier and a tracking number per order, for one or many orders."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        ids = [int(i) for i in request.GET.get("ids", "").split(",") if i.isdigit()]
        orders = list(Order.objects.filter(pk__in=ids).order_by("pk"))
        carriers = list(Carrier.objects.filter(is_active=True).order_by("name"))
        if request.method == "POST":
            shipped = 0
            for order in orders:
                carrier = next(
                    (c for c in carriers if str(c.pk) == request.POST.get(f"carrier-{order.pk}")),
                    None,
                )
                tracking = request.POST.get(f"tracking-{order.pk}", "")
                if carrier is None:
                    self.message_user(
                        request, f"{order.number}: {_('Choose a carrier.')}", messages.ERROR
                    )
                    continue
                try:
                    services.order_ship(
                        order=order, carrier=carrier, tracking_number=tracking, by=request.user
                    )
                    shipped += 1
                except ShopError as error:
                    self.message_user(request, f"{order.number}: {error}", messages.ERROR)
            if shipped:
                self.message_user(request, _("%(count)s orders shipped.") % {"count": shipped})
            if len(orders) == 1:
                return redirect("admin:orders_order_change", orders[0].pk)
            return redirect("admin:orders_order_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Ship orders"),
            "orders": orders,
            "carriers": carriers,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/orders/order/ship.html", context)

    # --- bulk actions ---------------------------------------------------------------------

    def _bulk_step(self, request: HttpRequest, queryset: QuerySet[Order], to: str) -> None:
        done = 0
        for order in queryset:
            try:
                services.order_step(order=order, to=to, by=request.user)
                done += 1
            except ShopError as error:
                self.message_user(request, f"{order.number}: {error}", messages.ERROR)
        if done:
            self.message_user(
                request,
                _("%(count)s orders are now “%(status)s”.")
                % {"count": done, "status": OrderStatus(to).label},
            )

    @admin.action(permissions=["change"], description=_("Start preparing the selected orders"))
    def start_preparing(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._bulk_step(request, queryset, OrderStatus.PREPARING)

    @admin.action(permissions=["change"], description=_("Mark the selected orders packed"))
    def mark_packed(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._bulk_step(request, queryset, OrderStatus.PACKED)

    @admin.action(permissions=["change"], description=_("Mark the selected orders delivered"))
    def mark_delivered(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._bulk_step(request, queryset, OrderStatus.DELIVERED)

    @admin.action(
        permissions=["change"],
        description=_("Ship the selected orders (carrier and tracking number)"),
    )
    def ship_orders(self, request: HttpRequest, queryset: QuerySet[Order]) -> HttpResponse:
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return redirect(reverse("admin:orders_order_ship") + f"?ids={ids}")

    @admin.action(permissions=["view"], description=_("Print a pick list for the selected orders"))
    def print_pick_list(self, request: HttpRequest, queryset: QuerySet[Order]) -> HttpResponse:
        order_ids = list(queryset.values_list("pk", flat=True))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Pick list"),
            "rows": selectors.pick_list(order_ids=order_ids),
            "orders": list(queryset.order_by("pk").values_list("number", flat=True)),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/orders/order/pick_list.html", context)

    @admin.action(
        permissions=["view"], description=_("Print packing slips for the selected orders")
    )
    def print_packing_slips(self, request: HttpRequest, queryset: QuerySet[Order]) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": _("Packing slips"),
            "orders": queryset.order_by("pk").prefetch_related("lines"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/orders/order/packing_slips.html", context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False

    @admin.action(
        permissions=["change"], description=_("Cancel the selected orders (before shipping)")
    )
    def cancel_orders(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        """Each order on its own: one that would refund, without the refund permission, is
        refused by name and the others are cancelled."""
        done = 0
        for order in queryset:
            try:
                services.order_cancel_by_staff(order=order, by=request.user)
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


@admin.register(DownloadLink)
class DownloadLinkAdmin(admin.ModelAdmin):
    """Staff re-issue (the old link stops working) or extend (more days, downloads back)."""

    list_display = [
        "order_number",
        "file",
        "download_count",
        "max_downloads",
        "expires_at",
        "revoked",
    ]
    list_select_related = ["order_line__order", "file"]
    search_fields = ["order_line__order__number", "order_line__order__email"]
    readonly_fields = [
        "order_line",
        "file",
        "download_count",
        "max_downloads",
        "expires_at",
        "revoked",
        "created_at",
    ]
    actions = ["extend_links", "reissue_links"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("order"))
    def order_number(self, link: DownloadLink) -> str:
        return link.order_line.order.number

    @admin.action(
        permissions=["change"],
        description=_("Extend the selected links (more days, downloads back)"),
    )
    def extend_links(self, request: HttpRequest, queryset: QuerySet[DownloadLink]) -> None:
        for link in queryset:
            services.download_link_extend(link=link)
        self.message_user(request, _("The links have been extended."))

    @admin.action(
        permissions=["change"],
        description=_("Re-issue the selected links (the old ones stop working)"),
    )
    def reissue_links(self, request: HttpRequest, queryset: QuerySet[DownloadLink]) -> None:
        for link in queryset.filter(revoked=False):
            services.download_link_reissue(link=link)
        self.message_user(request, _("New links have been issued."))


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "order", "issued_at"]
    list_select_related = ["order"]
    search_fields = ["number", "order__number"]
    readonly_fields = [
        "number",
        "order",
        "series",
        "year",
        "sequence",
        "issued_at",
        "seller",
        "buyer",
    ]

    def get_fields(self, request: HttpRequest, obj: Invoice | None = None) -> list[str]:
        # The buyer's identity is what the PDF permission guards: not shown without it either.
        if request.user.has_perm(INVOICE_PERMISSION):
            return list(self.readonly_fields)
        return [name for name in self.readonly_fields if name != "buyer"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        return False


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
    fields = ["order_line", "quantity", "amount", "restock"]


@admin.register(Return)
class ReturnAdmin(MalformedFilterSafeMixin, admin.ModelAdmin):
    """Returns: staff decide claims, receive parcels (restock per line) and refund, only
    through the return services and with the `orders.handle_return` permission."""

    list_display = [
        "number",
        "order",
        "kind",
        "status",
        "amount",
        "refund_due_by",
        "requested_at",
    ]
    list_filter = [RefundDueFilter, "status", "kind"]
    list_select_related = ["order"]
    search_fields = ["number", "order__number", "order__email"]
    ordering = ["refund_due_by", "-requested_at"]
    inlines = [ReturnLineInline]
    readonly_fields = [
        "next_actions",
        "number",
        "order_link",
        "kind",
        "status",
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
        "created_by",
    ]
    exclude = ["order"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Return | None = None) -> bool:
        return False

    @admin.display(description=_("order"))
    def order_link(self, order_return: Return) -> str:
        url = reverse("admin:orders_order_change", args=[order_return.order_id])
        return format_html('<a href="{}">{}</a>', url, order_return.order.number)

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


@admin.register(CreditNote)
class CreditNoteAdmin(admin.ModelAdmin):
    list_display = ["number", "order", "invoice", "total", "issued_at", "pdf"]
    list_select_related = ["order", "invoice"]
    search_fields = ["number", "order__number", "invoice__number"]
    readonly_fields = [
        "number",
        "order",
        "invoice",
        "refund",
        "series",
        "year",
        "sequence",
        "issued_at",
        "total",
        "currency",
        "lines",
        "vat_breakdown",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: CreditNote | None = None) -> bool:
        return False

    def get_list_display(self, request: HttpRequest) -> list[str]:
        fields = list(super().get_list_display(request))
        if request.user.has_perm(INVOICE_PERMISSION):
            return fields
        return [name for name in fields if name != "pdf"]

    @admin.display(description="PDF")
    def pdf(self, note: CreditNote) -> str:
        url = reverse("admin:orders_creditnote_pdf", args=[note.pk])
        return format_html('<a href="{}">PDF</a>', url)

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/pdf/", view(self.pdf_view), name="orders_creditnote_pdf"),
            *super().get_urls(),
        ]

    def pdf_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The credit note's PDF: the invoices' permission, and every download is audited."""
        if not request.user.has_perm(INVOICE_PERMISSION):
            raise PermissionDenied
        note = get_object_or_404(CreditNote.objects.select_related("order", "invoice"), pk=pk)
        pdf = services.credit_note_download(note=note, by=request.user)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{note.number}.pdf"'
        return response
