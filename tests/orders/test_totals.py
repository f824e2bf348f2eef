"""The totals calculator: property-based over random carts, plus worked examples."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from orders.totals import ChargeInput, LineInput, calculate_totals, spread_discount
from shop.money import ZERO, to_minor_units

RATES = [Decimal("0.01"), Decimal("0.10"), Decimal("0.20")]
money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("50000"), places=2)

line_strategy = st.builds(
    LineInput,
    key=st.uuids().map(str),
    unit_price=money,
    quantity=st.integers(min_value=1, max_value=20),
    vat_rate=st.sampled_from(RATES),
    discountable=st.booleans(),
)
charge_strategy = st.builds(
    ChargeInput,
    kind=st.sampled_from(["shipping", "cod_fee"]),
    amount=st.decimals(min_value=Decimal("0"), max_value=Decimal("500"), places=2),
)


@given(
    lines=st.lists(line_strategy, min_size=1, max_size=12),
    discount=st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=2),
    charges=st.lists(charge_strategy, max_size=2),
)
def test_totals_add_up_for_any_cart(lines, discount, charges):
    totals = calculate_totals(lines=lines, discount=discount, charges=charges)

    # lines − discounts + shipping + fees = total
    assert totals.subtotal - totals.discount + totals.shipping + totals.fees == totals.total
    assert sum(line.total for line in totals.lines) + totals.shipping + totals.fees == totals.total
    # the discount never exceeds what may be discounted, and never touches other lines
    discountable = sum(
        (lt.gross for lt, li in zip(totals.lines, lines, strict=True) if li.discountable), ZERO
    )
    assert totals.discount == min(discount, discountable)
    for lt, li in zip(totals.lines, lines, strict=True):
        assert ZERO <= lt.discount <= lt.gross
        if not li.discountable:
            assert lt.discount == ZERO
    # VAT per rate adds up to the VAT total, and each line's VAT is inside its own total
    assert sum(totals.vat_by_rate.values()) == totals.vat
    per_line_and_charge = sum(lt.vat for lt in totals.lines) + sum(c.vat for c in totals.charges)
    assert per_line_and_charge == totals.vat
    assert all(ZERO <= lt.vat <= lt.total for lt in totals.lines)
    # every amount is whole kuruş, and the provider is asked for exactly the total
    for amount in [totals.total, totals.vat, *(lt.total for lt in totals.lines)]:
        assert amount == amount.quantize(Decimal("0.01"))
    assert totals.total_minor_units == to_minor_units(totals.total)
    assert totals.total_minor_units == sum(to_minor_units(lt.total) for lt in totals.lines) + sum(
        to_minor_units(c.amount) for c in totals.charges
    )


@given(
    grosses=st.lists(money, min_size=1, max_size=10),
    discount=st.decimals(min_value=Decimal("0"), max_value=Decimal("10000"), places=2),
)
def test_discount_shares_sum_exactly(grosses, discount):
    shares = spread_discount(grosses, discount)
    assert sum(shares) == min(discount, sum(grosses))
    assert all(ZERO <= s <= g for s, g in zip(shares, grosses, strict=True))


def test_worked_example_with_two_rates_discount_and_shipping():
    totals = calculate_totals(
        lines=[
            LineInput("book", Decimal("110.00"), 2, Decimal("0.10")),
            LineInput("lamp", Decimal("480.00"), 1, Decimal("0.20")),
        ],
        discount=Decimal("70.00"),
        charges=[ChargeInput("shipping", Decimal("49.90"))],
    )
    book, lamp = totals.lines
    # 70.00 spread over 220 and 480 in proportion: 22.00 and 48.00
    assert (book.discount, lamp.discount) == (Decimal("22.00"), Decimal("48.00"))
    assert (book.total, lamp.total) == (Decimal("198.00"), Decimal("432.00"))
    assert book.vat == Decimal("18.00")  # 198 − 198/1.10
    assert lamp.vat == Decimal("72.00")  # 432 − 432/1.20
    assert totals.charges[0].vat == Decimal("8.32")  # 49.90 − 49.90/1.20 = 8.316…
    assert totals.vat_by_rate == {
        Decimal("0.10"): Decimal("18.00"),
        Decimal("0.20"): Decimal("80.32"),
    }
    assert totals.total == Decimal("679.90")
    assert totals.total_minor_units == 67990


@given(
    lines=st.lists(line_strategy, min_size=1, max_size=12),
    discount=st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=2),
    points_discount=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2),
    charges=st.lists(charge_strategy, max_size=2),
)
def test_points_are_a_discount_that_lowers_the_vat_base(lines, discount, points_discount, charges):
    """Redeemed points come off the lines after the coupon, never below zero, and the VAT is
    what the lines' lowered totals carry (points are no tender paid on top of full VAT)."""
    without = calculate_totals(lines=lines, discount=discount, charges=charges)
    totals = calculate_totals(
        lines=lines, discount=discount, charges=charges, points_discount=points_discount
    )
    left_after_coupon = without.subtotal - without.discount
    assert totals.points_discount == min(points_discount, left_after_coupon)
    assert totals.discount == without.discount + totals.points_discount
    assert totals.total == without.total - totals.points_discount
    assert totals.subtotal - totals.discount + totals.shipping + totals.fees == totals.total
    for lt, before in zip(totals.lines, without.lines, strict=True):
        assert ZERO <= lt.total <= before.total
        assert lt.vat <= before.vat
    assert totals.vat <= without.vat
    assert sum(lt.vat for lt in totals.lines) + sum(c.vat for c in totals.charges) == totals.vat


def test_points_worth_half_a_basket_halve_its_vat():
    lines = [LineInput("a", Decimal("120.00"), 1, Decimal("0.20"))]
    totals = calculate_totals(lines=lines, points_discount=Decimal("60.00"))
    assert (totals.total, totals.vat, totals.points_discount) == (
        Decimal("60.00"),
        Decimal("10.00"),
        Decimal("60.00"),
    )
