import random

import pytest

from orders.geo import province_name
from orders.states import REFUSED_ONLY, TRANSITIONS, OrderStatus, can_transition
from orders.validators import is_valid_tckn, is_valid_vkn


def _vkn_with_check_digit(first_nine: str) -> str:
    for check in "0123456789":
        if is_valid_vkn(first_nine + check):
            return first_nine + check
    raise AssertionError("no check digit fits")


@pytest.mark.parametrize("tckn", ["10000000146", "11111111110"])
def test_valid_national_ids_pass(tckn):
    assert is_valid_tckn(tckn)


@pytest.mark.parametrize(
    "tckn", ["10000000147", "01234567890", "1000000014", "1000000014a", "", "12345678901"]
)
def test_invalid_national_ids_fail(tckn):
    assert not is_valid_tckn(tckn)


def test_tax_number_has_exactly_one_check_digit():
    rng = random.Random(7)
    for _ in range(200):
        first_nine = "".join(rng.choice("0123456789") for _ in range(9))
        valid = _vkn_with_check_digit(first_nine)
        others = [first_nine + c for c in "0123456789" if first_nine + c != valid]
        assert not any(is_valid_vkn(o) for o in others)
    assert is_valid_vkn("1234567890")  # the usual example number passes the checksum
    assert not is_valid_vkn("1234567891")
    assert not is_valid_vkn("123456789")
    assert not is_valid_vkn("12345678ab")


def test_orders_cannot_skip_or_leave_final_states():
    assert can_transition(OrderStatus.PENDING_PAYMENT, OrderStatus.CONFIRMED)
    assert not can_transition(OrderStatus.PENDING_PAYMENT, OrderStatus.SHIPPED)
    # On the road → cancelled only as "refused", once every parcel is back (order_transition
    # checks the reason: tests/orders/test_refused_parcels.py); never once delivered.
    assert can_transition(OrderStatus.SHIPPED, OrderStatus.CANCELLED)
    assert OrderStatus.SHIPPED in REFUSED_ONLY
    assert not can_transition(OrderStatus.DELIVERED, OrderStatus.CANCELLED)
    assert TRANSITIONS[OrderStatus.CANCELLED] == frozenset()
    assert TRANSITIONS[OrderStatus.RETURNED] == frozenset()
    assert set(TRANSITIONS) == set(OrderStatus.values)


@pytest.mark.parametrize(
    ("typed", "official"),
    [
        ("istanbul", "İstanbul"),
        ("IZMIR", "İzmir"),
        ("şanlıurfa", "Şanlıurfa"),
        ("Gotham", "Gotham"),
    ],
)
def test_a_typed_province_gets_its_official_spelling(typed, official):
    assert province_name(typed) == official
