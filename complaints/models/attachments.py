"""Photos a customer sends with a complaint (the form or an email), kept privately: the file
lives in `complaints.storage` (no URL), and a view that checks access serves it."""

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..storage import attachment_storage
from .tickets import Ticket, TicketMessage


def attachment_path(instance: "TicketAttachment", filename: str) -> str:
    """A random name under the ticket's folder: the customer's file name stays in the row only."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"tickets/{instance.ticket_id}/{secrets.token_hex(16)}.{extension[:5]}"


class TicketAttachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        TicketMessage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, storage=attachment_storage)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("complaint attachment")
        verbose_name_plural = _("complaint attachments")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["ticket", "uploaded_at"], name="ticket_attachment_idx")]

    def __str__(self) -> str:
        return self.original_name
