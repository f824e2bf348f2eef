"""The documents Turkish distance-sales law requires at checkout, rendered for one order.

The pre-information form and the distance sales contract (and, for digital products, the
acknowledgement that the withdrawal right ends once delivery starts) are plain-text templates
in templates/orders/legal/<language>/, rendered in the customer's language with this cart's
lines, prices, addresses and payment method. The checkout page shows them; `order_place`
renders them again from the same data and stores the exact text with its version, time and IP.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from catalog.kept import option_labels
from catalog.models import Variant

from .models import Address, LegalDocumentKind
from .pricing import PricedCart


@dataclass(frozen=True)
class LegalDocument:
    kind: str
    title: str
    version: str
    text: str


@dataclass(frozen=True)
class Buyer:
    """The buyer as the documents name them; the checkout page and `order_place` build it."""

    name: str
    email: str
    phone: str
    billing_lines: tuple[str, ...] = ()
    delivery_lines: tuple[str, ...] = ()
    company_name: str = ""
    tax_office: str = ""
    tax_number: str = ""
    has_account: bool = False  # a guest has no "My orders": the documents send them elsewhere

    @classmethod
    def of(
        cls,
        *,
        email: str,
        phone: str,
        billing: Address,
        delivery: Address | None,
        has_account: bool = False,
    ) -> "Buyer":
        return cls(
            has_account=has_account,
            name=billing.full_name,
            email=email,
            phone=phone,
            billing_lines=tuple(billing.lines()),
            delivery_lines=tuple(delivery.lines()) if delivery else (),
            company_name=billing.company_name,
            tax_office=billing.tax_office,
            tax_number=billing.tax_number,
        )


def seller() -> dict[str, str]:
    return {
        "name": settings.SELLER_NAME,
        "address": settings.SELLER_ADDRESS,
        "mersis": settings.SELLER_MERSIS,
        "tax_office": settings.SELLER_TAX_OFFICE,
        "tax_number": settings.SELLER_TAX_NUMBER,
        "email": settings.SELLER_EMAIL,
        "phone": settings.SELLER_PHONE,
        "kep": settings.SELLER_KEP_ADDRESS,
    }


def render_documents(
    *,
    priced: PricedCart,
    buyer: Buyer,
    payment_label: str,
    language: str,
    at: datetime | None = None,
    order_url: str = "",
) -> list[LegalDocument]:
    """The legal texts for this cart, in the customer's language.

    `order_url` (once the order exists) is the guest's signed link to the order's page, where
    the withdrawal clause sends them.
    """
    at = timezone.localtime(at or timezone.now())
    kinds = [LegalDocumentKind.PRE_INFORMATION, LegalDocumentKind.DISTANCE_SALES]
    if priced.has_digital:
        kinds.append(LegalDocumentKind.DIGITAL_WAIVER)
    with translation.override(language):
        context = {
            "seller": seller(),
            "buyer": buyer,
            "priced": priced,
            "lines": [
                {
                    "name": state.line.variant.product.name,
                    "option": variant_label(state.line.variant),
                    "quantity": state.line.quantity,
                    "unit_price": state.unit_price,
                    "total": state.gross,
                    "vat_rate": int(state.line.variant.product.vat_rate_decimal * 100),
                    "digital": state.line.variant.product.is_digital,
                }
                for state in priced.lines
            ],
            "totals": priced.totals,
            "payment_label": payment_label,
            "currency": settings.SHOP_CURRENCY,
            "withdrawal_days": settings.WITHDRAWAL_DAYS,
            "version": settings.LEGAL_DOCUMENTS_VERSION,
            "date": at.strftime("%d.%m.%Y"),
            "order_url": order_url,
        }
        return [
            LegalDocument(
                kind=str(kind),
                title=str(LegalDocumentKind(kind).label),
                version=settings.LEGAL_DOCUMENTS_VERSION,
                text=render_to_string(template_for(kind, language), context).strip(),
            )
            for kind in kinds
        ]


def template_for(kind: str, language: str) -> str:
    """Legal texts are written per language (templates/orders/legal/<language>/<kind>.txt)."""
    known = {code for code, _name in settings.LANGUAGES}
    return f"orders/legal/{language if language in known else settings.LANGUAGE_CODE}/{kind}.txt"


def variant_label(variant: Variant) -> str:
    """'Kırmızı / M' from a variant's options in the current language, or '' for a variant
    without options (kept per worker: no query once the cart has read them)."""
    return option_labels([variant.pk])[variant.pk]
