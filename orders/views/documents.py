"""An order's documents for its customer: the invoice, credit notes, digital downloads."""

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from .. import selectors, services
from ..invoice_pdf import credit_note_pdf, invoice_pdf
from ..links import download_link_id
from .access import viewable_order


def order_invoice(request: HttpRequest, number: str) -> HttpResponse:
    order = viewable_order(request, number)
    invoice = selectors.invoice_of(order=order)
    response = HttpResponse(invoice_pdf(invoice=invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice.number}.pdf"'
    return response


def order_credit_note(request: HttpRequest, number: str, credit_number: str) -> HttpResponse:
    order = viewable_order(request, number)
    note = selectors.credit_note_of(order=order, number=credit_number)
    response = HttpResponse(credit_note_pdf(note=note), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{note.number}.pdf"'
    return response


def order_download(request: HttpRequest, number: str, token: str) -> HttpResponse:
    """Stream a digital file: the storage path never reaches the browser."""
    order = viewable_order(request, number)
    link_id = download_link_id(token)
    link = services.download_claim(link_id=link_id, order=order) if link_id else None
    if link is None:
        return render(request, "orders/download_gone.html", {"order": order}, status=410)
    handle = link.file.file.open("rb")
    filename = link.file.file.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=filename)
