"""Invoices: one per order, numbered per series and year without gaps."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shop.audit import audit_record
from shop.models import User

from ..invoice_pdf import credit_note_pdf, invoice_pdf
from ..models import CreditNote, Invoice, InvoiceCounter, Order


def invoice_issue(*, order: Order) -> Invoice:
    """The order's invoice, issued now if it has none: series + year + 9 digits.

    The year's counter row is taken under lock in the same transaction as the invoice, so
    numbers are unique and gapless even when many orders are invoiced at once (a rolled-back
    invoice gives its number back). Lock order: order → counter.
    """
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        existing = Invoice.objects.filter(order=locked).first()
        if existing is not None:
            return existing
        series, year, sequence, number = next_document_number(series=settings.INVOICE_SERIES)
        return Invoice.objects.create(
            order=locked,
            series=series,
            year=year,
            sequence=sequence,
            number=number,
            seller={
                "name": settings.SELLER_NAME,
                "address": settings.SELLER_ADDRESS,
                "tax_office": settings.SELLER_TAX_OFFICE,
                "tax_number": settings.SELLER_TAX_NUMBER,
                "mersis": settings.SELLER_MERSIS,
                "email": settings.SELLER_EMAIL,
                "phone": settings.SELLER_PHONE,
            },
            buyer={**(locked.billing_address or {}), "email": locked.email},
        )


def next_document_number(*, series: str) -> tuple[str, int, int, str]:
    """The next number of a document series this year: series + year + 9 digits.

    Takes the series' counter row under lock, so it must run inside the transaction that
    creates the document (a rolled-back document gives its number back: no gaps).
    """
    year = timezone.localdate().year
    InvoiceCounter.objects.bulk_create(
        [InvoiceCounter(series=series, year=year)], ignore_conflicts=True
    )
    counter = InvoiceCounter.objects.select_for_update().get(series=series, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return series, year, counter.last_number, f"{series}{year}{counter.last_number:09d}"


def invoice_download(*, invoice: Invoice, by: User) -> bytes:
    """The invoice's PDF for a staff member, recorded in the audit trail (it names the buyer)."""
    return _staff_download(invoice, invoice_pdf(invoice=invoice), "invoice.download", by)


def credit_note_download(*, note: CreditNote, by: User) -> bytes:
    """The credit note's PDF for a staff member, recorded in the audit trail."""
    return _staff_download(note, credit_note_pdf(note=note), "credit_note.download", by)


def _staff_download(document: Invoice | CreditNote, pdf: bytes, action: str, by: User) -> bytes:
    with transaction.atomic():
        audit_record(
            actor=by,
            action=action,
            target=document,
            details={"number": document.number, "order": document.order.number},
        )
    return pdf
