"""Staff's way to a complaint's photos: an admin URL per file for staff who may view complaints
(`complaints.view_ticket`), and the ticket screen's "Photos" panel listing them. There is no
menu entry: photos are reached from their ticket."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from shop.admin_safety import ReadOnlyAdminMixin

from ..attachment_views import attachment_response
from ..models import Ticket, TicketAttachment
from ..panels import TicketPanel, register_ticket_panel

VIEW_PERMISSION = "complaints.view_ticket"


@admin.register(TicketAttachment)
class TicketAttachmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["original_name", "ticket", "content_type", "size", "uploaded_at"]
    list_select_related = ["ticket"]
    fields = ["ticket", "message", "original_name", "content_type", "size", "uploaded_at"]
    actions = None

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm(VIEW_PERMISSION)

    def get_model_perms(self, request: HttpRequest) -> dict[str, bool]:
        return {}  # no menu entry: reached from the ticket's panel

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:pk>/file/",
                self.admin_site.admin_view(self.file_view),
                name="complaints_ticketattachment_file",
            )
        ]
        return own + super().get_urls()

    def file_view(self, request: HttpRequest, pk: int) -> FileResponse:
        if not request.user.has_perm(VIEW_PERMISSION):
            raise PermissionDenied
        if request.method != "GET":
            raise Http404
        return attachment_response(get_object_or_404(TicketAttachment, pk=pk))


def attachments_panel_context(request: HttpRequest, ticket: Ticket) -> dict | None:
    """The ticket's photos with their staff links; hidden when there are none."""
    if not request.user.has_perm(VIEW_PERMISSION):
        return None
    rows = list(ticket.attachments.only("pk", "original_name", "size", "uploaded_at", "message_id"))
    if not rows:
        return None
    return {
        "attachments": [
            {
                "name": row.original_name,
                "size": row.size,
                "uploaded_at": row.uploaded_at,
                "url": reverse("admin:complaints_ticketattachment_file", args=[row.pk]),
            }
            for row in rows
        ],
        "title": _("Photos"),
    }


def register_attachments_panel() -> None:
    register_ticket_panel(
        TicketPanel(
            name="attachments",
            template="admin/complaints/panels/attachments.html",
            context=attachments_panel_context,
            order=40,
        )
    )
