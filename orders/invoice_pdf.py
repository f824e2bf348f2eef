"""The invoice and credit notes as PDFs (fpdf2), in the order's language, with a font that
has ğ, ş, ı and İ."""

from decimal import Decimal
from pathlib import Path

from django.utils import formats, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from shop.money import to_money

from .models import CreditNote, Invoice

FONTS = Path(__file__).resolve().parent / "fonts"


def invoice_pdf(*, invoice: Invoice) -> bytes:
    order = invoice.order
    with translation.override(order.language):
        pdf = _document(
            title=f"{_('Invoice')} {invoice.number}",
            issued_at=invoice.issued_at,
            order=order,
            seller=invoice.seller,
            buyer=invoice.buyer,
        )
        rows = []
        for line in order.lines.all():
            name = line.product_name + (f" ({line.variant_name})" if line.variant_name else "")
            rows.append((name, line.quantity, line.unit_price, line.vat_rate, line.vat, line.total))
        _table(pdf, rows)
        totals = [
            (_("Items"), order.subtotal),
            (_("Discount"), -order.discount),
            (_("Shipping"), order.shipping),
            (_("Fees"), order.fees),
        ]
        for rate, amount in sorted((order.vat_breakdown or {}).items()):
            totals.append((_("VAT %(rate)s") % {"rate": _percent(rate)}, Decimal(str(amount))))
        totals.append((_("Total (VAT included)"), order.total))
        _totals(pdf, totals)
        return bytes(pdf.output())


def credit_note_pdf(*, note: CreditNote) -> bytes:
    """A refund's credit note: what it credits, negative, per VAT rate, against the invoice."""
    order, invoice = note.order, note.invoice
    with translation.override(order.language):
        pdf = _document(
            title=f"{_('Credit note')} {note.number}",
            issued_at=note.issued_at,
            order=order,
            seller=invoice.seller,
            buyer=invoice.buyer,
            reference=_("For invoice %(number)s") % {"number": invoice.number},
        )
        rows = []
        for line in note.lines:
            quantity = line.get("quantity")
            total = Decimal(line["total"])
            unit = total / quantity if quantity else None
            rows.append(
                (
                    line["name"],
                    -quantity if quantity else "",
                    unit,
                    Decimal(line["vat_rate"]),
                    -Decimal(line["vat"]),
                    -total,
                )
            )
        _table(pdf, rows)
        totals = [
            (_("VAT %(rate)s") % {"rate": _percent(rate)}, -Decimal(str(amount)))
            for rate, amount in sorted(note.vat_breakdown.items())
        ]
        totals.append((_("Total refunded (VAT included)"), -note.total))
        _totals(pdf, totals)
        return bytes(pdf.output())


def _document(
    *, title: str, issued_at, order, seller: dict, buyer: dict, reference: str = ""
) -> FPDF:
    """The page every document of an order starts with: title, e-Arşiv notice, the parties."""
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(
        0,
        5,
        _("This is not an e-Arşiv invoice yet; the e-Arşiv invoice follows by email."),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    pdf.set_font("DejaVu", "", 10)
    rows = [
        f"{_('Date')}: {formats.date_format(issued_at, 'SHORT_DATE_FORMAT')}",
        f"{_('Order number')}: {order.number}",
        *([reference] if reference else []),
        "",
        f"{_('Seller')}: {seller.get('name', '')}",
        str(seller.get("address", "")),
        f"{_('Tax office')}: {seller.get('tax_office', '')} · "
        f"{_('Tax number')}: {seller.get('tax_number', '')}",
        f"MERSİS: {seller.get('mersis', '')}",
        "",
        f"{_('Buyer')}: {buyer.get('company_name') or buyer.get('full_name', '')}",
        *[str(line) for line in buyer.get("lines", [])],
        _identity(buyer),
        str(buyer.get("email", "")),
    ]
    for row in rows:
        pdf.multi_cell(0, 5, row, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    return pdf


def _table(pdf: FPDF, rows: list[tuple]) -> None:
    """Item, quantity, unit price, VAT rate, VAT, total; an empty cell where there is none."""
    widths = (80, 15, 25, 20, 25, 25)
    headers = (_("Item"), _("Qty"), _("Unit price"), _("VAT rate"), _("VAT"), _("Total"))
    pdf.set_font("DejaVu", "B", 9)
    for width, header in zip(widths, headers, strict=True):
        pdf.cell(width, 7, header, border=1)
    pdf.ln()
    pdf.set_font("DejaVu", "", 9)
    for name, quantity, unit_price, vat_rate, vat, total in rows:
        cells = (
            name[:48],
            str(quantity),
            _money(unit_price) if unit_price is not None else "",
            _percent(vat_rate),
            _money(vat),
            _money(total),
        )
        for width, cell in zip(widths, cells, strict=True):
            pdf.cell(width, 7, cell, border=1)
        pdf.ln()
    pdf.ln(3)


def _totals(pdf: FPDF, totals: list[tuple[str, Decimal]]) -> None:
    for label, amount in totals:
        if amount:
            pdf.cell(165, 6, label, align="R")
            pdf.cell(25, 6, _money(amount), align="R", new_x="LMARGIN", new_y="NEXT")


def _percent(rate: Decimal | str) -> str:
    rate = Decimal(str(rate))
    return f"%{rate * 100 if rate < 1 else rate:.0f}"


def _money(amount: Decimal) -> str:
    return f"{to_money(amount):.2f}"


def _identity(buyer: dict) -> str:
    if buyer.get("tax_number"):
        return f"{_('Tax office')}: {buyer.get('tax_office', '')} · {buyer['tax_number']}"
    if buyer.get("national_id"):
        return f"T.C. {buyer['national_id']}"
    return ""
