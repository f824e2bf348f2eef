"""An order's record on its screen: lines, events, parcels, returns and accepted texts."""

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from shop.admin_safety import ReadOnlyInlineMixin

from ..models import (
    Order,
    OrderDocument,
    OrderEvent,
    OrderLine,
    Return,
    Shipment,
    ShipmentStatus,
)


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


class OrderEventInline(HistoryInline):
    model = OrderEvent
    fields = ["created_at", "from_status", "to_status", "kind", "actor", "note_shown"]


class ShipmentInline(HistoryInline):
    model = Shipment
    fields = [
        "carrier",
        "tracking_number",
        "status",
        "shipped_at",
        "delivered_at",
        "track",
        "record_return",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Order | None = None) -> list[str]:
        return list(self.fields)

    @admin.display(description=_("tracking link"))
    def track(self, shipment: Shipment) -> str:
        if not shipment.tracking_url:
            return "—"
        return format_html('<a href="{}" rel="noopener">{}</a>', shipment.tracking_url, _("Track"))

    @admin.display(description=_("refused or returned"))
    def record_return(self, shipment: Shipment) -> str:
        """A parcel still on its way may be recorded as refused at the door / returned to
        sender (the button posts the order's form to the parcel's URL, like the next steps)."""
        if shipment.pk is None or shipment.status in (
            ShipmentStatus.DELIVERED,
            ShipmentStatus.RETURNED,
        ):
            return "—"
        url = reverse("admin:orders_order_parcel_returned", args=[shipment.order_id, shipment.pk])
        return format_html(
            '<button type="submit" class="button" formaction="{}" name="parcel" value="{}">{}'
            "</button>",
            url,
            shipment.pk,
            _("Returned to sender"),
        )


class ReturnInline(HistoryInline):
    """The order's returns; staff open one to decide, receive and refund it."""

    model = Return
    fk_name = "order"  # (its exchange's replacement order is the other key to an order)
    fields = ["code", "kind", "status", "amount", "refund_due_by", "requested_at"]

    @admin.display(description=_("return code"))
    def code(self, order_return: Return) -> str:
        url = reverse("admin:orders_return_change", args=[order_return.pk])
        return format_html('<a href="{}">{}</a>', url, order_return.number)


class OrderDocumentInline(HistoryInline):
    template = "admin/edit_inline/stacked.html"
    model = OrderDocument
    fields = ["kind", "version", "language", "accepted_at", "ip_address", "text"]
