"""The one place an order's money is computed: a pure function, no database.

Rules (VAT-included prices, as consumers see them):
- a line's gross is unit price × quantity;
- an order discount is spread over the discountable lines in proportion to their gross
  (largest remainder, so the shares add up to the discount to the kuruş) before VAT;
- a line's VAT is gross − gross ÷ (1 + rate), rounded half-up to 0.01 per line;
- shipping and fees carry the standard VAT rate;
- loyalty points redeemed are a discount too (not a tender): after the coupon they are spread
  over every line in proportion to what is left of it, so they lower the VAT base.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from shop.money import CENT, ZERO, to_minor_units, to_money, vat_included_in

STANDARD_VAT_RATE = Decimal("0.20")


@dataclass(frozen=True)
class LineInput:
    key: str
    unit_price: Decimal
    quantity: int
    vat_rate: Decimal
    discountable: bool = True


@dataclass(frozen=True)
class ChargeInput:
    """A shipping cost or a fee (e.g. the cash-on-delivery fee), VAT included."""

    kind: str
    amount: Decimal


@dataclass(frozen=True)
class LineTotal:
    key: str
    unit_price: Decimal
    quantity: int
    vat_rate: Decimal
    gross: Decimal
    discount: Decimal
    total: Decimal
    vat: Decimal


@dataclass(frozen=True)
class ChargeTotal:
    kind: str
    amount: Decimal
    vat_rate: Decimal
    vat: Decimal


@dataclass(frozen=True)
class Totals:
    lines: tuple[LineTotal, ...]
    charges: tuple[ChargeTotal, ...]
    subtotal: Decimal
    discount: Decimal
    shipping: Decimal
    fees: Decimal
    vat_by_rate: dict[Decimal, Decimal] = field(default_factory=dict)
    vat: Decimal = ZERO
    total: Decimal = ZERO
    points_discount: Decimal = ZERO  # the part of `discount` paid with loyalty points

    @property
    def total_minor_units(self) -> int:
        """What a payment provider is asked to collect, in kuruş."""
        return to_minor_units(self.total)


def spread_discount(grosses: list[Decimal], discount: Decimal) -> list[Decimal]:
    """Split `discount` over amounts in proportion, to the kuruş, shares summing exactly."""
    base = sum(grosses, ZERO)
    if discount <= ZERO or base <= ZERO:
        return [ZERO for _ in grosses]
    discount = min(to_money(discount), base)
    cents = int(discount / CENT)
    exact = [gross * cents / base for gross in grosses]
    shares = [int(x) for x in exact]
    leftover = cents - sum(shares)
    # Hand the remaining kuruş to the largest fractional remainders (ties: earliest line).
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:leftover]:
        shares[i] += 1
    return [Decimal(share) * CENT for share in shares]


def calculate_totals(
    *,
    lines: Sequence[LineInput],
    discount: Decimal = ZERO,
    charges: Sequence[ChargeInput] = (),
    standard_vat_rate: Decimal = STANDARD_VAT_RATE,
    points_discount: Decimal = ZERO,
) -> Totals:
    """Lines, discount (a coupon's, then points'), shipping and fees, VAT per rate, the total."""
    grosses = [to_money(line.unit_price * line.quantity) for line in lines]
    discountable = [
        g if line.discountable else ZERO for g, line in zip(grosses, lines, strict=True)
    ]
    coupon_shares = spread_discount(discountable, discount)
    points_shares = spread_discount(
        [g - c for g, c in zip(grosses, coupon_shares, strict=True)], points_discount
    )
    shares = [c + p for c, p in zip(coupon_shares, points_shares, strict=True)]

    line_totals = []
    vat_by_rate: dict[Decimal, Decimal] = {}
    for line, gross, share in zip(lines, grosses, shares, strict=True):
        total = gross - share
        vat = vat_included_in(total, line.vat_rate)
        vat_by_rate[line.vat_rate] = vat_by_rate.get(line.vat_rate, ZERO) + vat
        line_totals.append(
            LineTotal(
                key=line.key,
                unit_price=to_money(line.unit_price),
                quantity=line.quantity,
                vat_rate=line.vat_rate,
                gross=gross,
                discount=share,
                total=total,
                vat=vat,
            )
        )

    charge_totals = []
    for charge in charges:
        amount = to_money(charge.amount)
        vat = vat_included_in(amount, standard_vat_rate)
        vat_by_rate[standard_vat_rate] = vat_by_rate.get(standard_vat_rate, ZERO) + vat
        charge_totals.append(
            ChargeTotal(kind=charge.kind, amount=amount, vat_rate=standard_vat_rate, vat=vat)
        )

    shipping = sum((c.amount for c in charge_totals if c.kind == "shipping"), ZERO)
    fees = sum((c.amount for c in charge_totals if c.kind != "shipping"), ZERO)
    return Totals(
        lines=tuple(line_totals),
        charges=tuple(charge_totals),
        subtotal=sum(grosses, ZERO),
        discount=sum(shares, ZERO),
        shipping=shipping,
        fees=fees,
        vat_by_rate=vat_by_rate,
        vat=sum(vat_by_rate.values(), ZERO),
        total=sum((lt.total for lt in line_totals), ZERO) + shipping + fees,
        points_discount=sum(points_shares, ZERO),
    )
