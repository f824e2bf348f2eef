"""Parcels: what left the warehouse, with which carrier and tracking number, and its events.

The order's status follows its parcels (docs/fulfilment.md): shipped when the first parcel
leaves, then the least advanced parcel, delivered when every unit has arrived.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The parcel's statuses live with their table (states.SHIPMENT_TRANSITIONS).
from ..states import ShipmentStatus

__all__ = ["CarrierUpdate", "Shipment", "ShipmentEvent", "ShipmentLine", "ShipmentStatus"]


class Shipment(models.Model):
    """One parcel of an order, handed to a carrier with a tracking number."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="shipments")
    carrier = models.ForeignKey(
        "orders.Carrier", on_delete=models.PROTECT, related_name="shipments"
    )
    tracking_number = models.CharField(_("tracking number"), max_length=64)
    status = models.CharField(
        _("status"), max_length=20, choices=ShipmentStatus, default=ShipmentStatus.SHIPPED
    )
    shipped_at = models.DateTimeField(_("shipped at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # Time of the newest carrier event applied: an older one never overrides it.
    last_event_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["shipped_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"], name="orders_shipment_tracking_unique"
            )
        ]
        indexes = [
            models.Index(fields=["carrier", "status"], name="orders_shipment_open_idx"),
            # The dashboard's fulfilment figures over a date range.
            models.Index(fields=["shipped_at"], name="orders_shipment_shipped_idx"),
            models.Index(fields=["delivered_at"], name="orders_shipment_delivered_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}"

    @property
    def tracking_url(self) -> str:
        template = self.carrier.tracking_url_template
        return template.replace("{number}", self.tracking_number) if template else ""


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "orders.OrderLine", on_delete=models.PROTECT, related_name="shipment_lines"
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("parcel line")
        verbose_name_plural = _("parcel lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_shipline_positive")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_line_id}"


class ShipmentEvent(models.Model):
    """A carrier's (or staff's) report about a parcel, stored once per event id."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    external_id = models.CharField(max_length=120)
    status = models.CharField(_("status"), max_length=20, choices=ShipmentStatus)
    happened_at = models.DateTimeField(_("time"))
    # The shop's own texts ("Reported by staff", the simulated carrier's) are stored in English
    # and shown in the reader's language (`description_shown`); a carrier's stay as it wrote them.
    description = models.CharField(_("description"), max_length=255, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    # False: older than an event already applied, kept for the record only.
    applied = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("parcel event")
        verbose_name_plural = _("parcel events")
        ordering = ["happened_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "external_id"], name="orders_shipevent_once"
            )
        ]
        # The dashboard's failed delivery attempts (status "exception") over a date range.
        indexes = [
            models.Index(fields=["status", "happened_at"], name="orders_shipevent_status_at_idx")
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id} {self.status} @ {self.happened_at:%Y-%m-%d %H:%M}"

    @property
    def description_shown(self) -> str:
        """The description in the active language (the shop's own texts are translated)."""
        return gettext(self.description) if self.description else ""


class CarrierUpdate(models.Model):
    """A carrier's webhook report as received: stored once per carrier and event id, applied
    to its parcel afterwards by a task (`orders.apply_carrier_update`)."""

    carrier = models.ForeignKey("orders.Carrier", on_delete=models.CASCADE, related_name="+")
    event_id = models.CharField(max_length=120)
    tracking_number = models.CharField(_("tracking number"), max_length=64)
    status = models.CharField(_("status"), max_length=20, choices=ShipmentStatus)
    happened_at = models.DateTimeField(_("time"))
    description = models.CharField(_("description"), max_length=255, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    # Set by the task once the report was looked at (applied, stale, or for no parcel of ours).
    processed_at = models.DateTimeField(null=True, blank=True)
    applied = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("carrier update")
        verbose_name_plural = _("carrier updates")
        ordering = ["received_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "event_id"], name="orders_carrier_update_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["received_at"],
                name="orders_carrier_update_todo_idx",
                condition=Q(processed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.carrier_id} {self.event_id} {self.status}"
