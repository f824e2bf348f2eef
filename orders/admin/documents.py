"""Documents: invoices, credit notes (their PDFs audited) and digital download links."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import CreditNote, DownloadLink, Invoice
from .permissions import INVOICE_PERMISSION


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
