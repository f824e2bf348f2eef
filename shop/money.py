"""Money helpers: Decimal only, one rounding rule (half-up to 0.01), minor units for providers."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import formats

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_money(value: Decimal | int | str) -> Decimal:
    """Round to 0.01, half-up. Refuses floats: money is never a float here."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def to_minor_units(amount: Decimal) -> int:
    """Whole kuruş/cents, as payment providers expect (12.34 -> 1234)."""
    return int(to_money(amount) * 100)


def from_minor_units(units: int) -> Decimal:
    return to_money(Decimal(units) / 100)


def vat_included_in(gross: Decimal, rate: Decimal) -> Decimal:
    """The VAT inside a VAT-included amount: gross - gross / (1 + rate), rounded half-up."""
    return to_money(gross - gross / (1 + rate))


CURRENCY_SYMBOLS = {"TRY": "₺", "EUR": "€", "USD": "$"}


def format_money(value: Decimal | str | None, currency: str | None = None) -> str:
    """An amount as people read it in the active language: '₺1.234,50' / '₺1,234.50'; a
    negative amount puts its sign before the symbol ('-₺49,90'), as both languages write it."""
    if value is None or value == "":
        return ""
    code = currency or settings.SHOP_CURRENCY
    value = Decimal(value)
    amount = formats.number_format(abs(value), 2, use_l10n=True, force_grouping=True)
    sign = "-" if value < 0 and amount.strip("0.,") else ""
    return f"{sign}{CURRENCY_SYMBOLS.get(code, code + ' ')}{amount}"
