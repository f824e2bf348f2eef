"""The order's screen. Orders are read here; their status changes only through the order
services (the allowed next steps, the bulk actions in .fulfilment, cancelling), and the
invoice PDF has a permission of its own."""

from decimal import Decimal

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from shop.admin_safety import MalformedFilterSafeMixin
from shop.dates import day_span
from shop.exceptions import ShopError
from shop.templatetags.shop_tags import money, vat_percent

from .. import selectors, services
from ..models import BillingType, Invoice, Order, Shipment
from ..states import OrderStatus
from .fulfilment import LateToShipFilter, OrderFulfilmentMixin
from .inlines import (
    OrderDocumentInline,
    OrderEventInline,
    OrderLineInline,
    ReturnInline,
    ShipmentInline,
)
from .money import PaymentInline
from .permissions import INVOICE_PERMISSION
from .phone_orders import PhoneOrderMixin

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
class OrderAdmin(PhoneOrderMixin, OrderFulfilmentMixin, MalformedFilterSafeMixin, admin.ModelAdmin):
    """Orders are read here; their status changes only through order_transition (actions)."""

    list_display = [
        "number",
        "placed_at",
        "email",
        "status",
        "payment_method",
        "payment_status",
        "total",
        "promise",
        "needs_review",
    ]
    list_filter = [
        "needs_review",
        LateToShipFilter,
        "status",
        "payment_status",
        "payment_method",
        "source",
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

    @admin.display(description=_("delivery promise"), ordering="promised_to")
    def promise(self, order: Order) -> str:
        """What was promised (ship by, arrive between), and the new estimate once it runs late."""
        if order.promised_to is None:
            return "—"
        promised = _("ships %(ship)s · arrives %(days)s") % {
            "ship": date_format(order.promised_ship_by, "SHORT_DATE_FORMAT"),
            "days": day_span(order.promised_from, order.promised_to),
        }
        if order.estimated_to is None:
            return promised
        return format_html(
            "{}<br><strong>{}</strong>",
            promised,
            _("late: now %(day)s") % {"day": day_span(order.estimated_to)},
        )

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
        held_for = selectors.exchange_held_for(order=order)
        if held_for:
            # An exchange's replacement: the warehouse waits for the return's parcel.
            buttons.append(
                format_html(
                    '<span class="exchange-held">{}</span>',
                    _("Exchange: sent once its return %(number)s has arrived.")
                    % {"number": held_for},
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
            path(
                "<int:pk>/parcel/<int:shipment_pk>/returned/",
                view(self.parcel_returned_view),
                name="orders_order_parcel_returned",
            ),
            path("<int:pk>/invoice/", view(self.invoice_view), name="orders_order_invoice"),
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

    def parcel_returned_view(self, request: HttpRequest, pk: int, shipment_pk: int) -> HttpResponse:
        """Staff record a parcel refused at the door / returned to sender (POST only)."""
        shipment = get_object_or_404(Shipment, pk=shipment_pk, order_id=pk)
        change_url = reverse("admin:orders_order_change", args=[pk])
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        if not self.has_change_permission(request, shipment.order):
            raise PermissionDenied
        try:
            services.shipment_report_returned(shipment=shipment, by=request.user)
        except ShopError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                _("Parcel %(number)s is recorded as returned to sender.")
                % {"number": shipment.tracking_number},
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
