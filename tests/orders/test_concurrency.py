"""Placements racing each other on PostgreSQL: no overselling, no deadlock, no double use.

Each thread has its own database connection (closed in `finally`); a barrier starts them
together so they really meet at the row locks.
"""

import threading
from collections.abc import Callable, Sequence
from decimal import Decimal

import pytest
from django.db import OperationalError, connection
from django.utils import translation

from catalog.models import Variant
from orders import services
from orders.exceptions import CheckoutError, CouponRefused, PricesChanged
from orders.models import Coupon, CouponRedemption, Order

from .helpers import cart_with, coupon, make_checkout_request, shipping_setup, stocked_variant

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(call: Callable[[object], object], arguments: Sequence[object]) -> list[object]:
    """Run call(argument) for each argument in its own thread, all released at once.

    Returns, in order, each call's result or the exception it raised.
    """
    barrier = threading.Barrier(len(arguments))
    results: list[object] = [None] * len(arguments)

    def worker(index: int, argument: object) -> None:
        try:
            with translation.override("en"):
                barrier.wait(timeout=30)
                results[index] = call(argument)
        except Exception as error:  # the test inspects what each thread got
            results[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(i, argument)) for i, argument in enumerate(arguments)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a placement hung"
    return results


def place(request: services.CheckoutRequest) -> tuple[int, bool]:
    order, created = services.order_place(request=request)
    return order.pk, created


def test_twenty_shoppers_racing_for_five_units_make_exactly_five_orders():
    shipping_setup()
    variant = stocked_variant(on_hand=5, product__name_en="Last shirts")
    requests = [
        make_checkout_request(
            cart_with((variant, 1)), email=f"shopper{i}@example.com", language="en"
        )
        for i in range(20)
    ]

    results = run_together(place, requests)

    placed = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, CheckoutError)]
    assert len(placed) == 5, results
    assert len(refused) == 15, results
    for error in refused:
        assert not isinstance(error, PricesChanged)
        assert "Last shirts" in str(error)
        assert "out of stock" in str(error) or "not available" in str(error)
    assert Order.objects.count() == 5
    variant = Variant.objects.get(pk=variant.pk)
    assert (variant.on_hand, variant.allocated) == (5, 5)


def test_carts_holding_the_same_items_in_opposite_order_do_not_deadlock():
    shipping_setup()
    shirt, book = stocked_variant(on_hand=50), stocked_variant(on_hand=50)
    for round_number in range(3):
        requests = [
            make_checkout_request(cart_with((shirt, 1), (book, 2)), email=f"a{round_number}@x.tr"),
            make_checkout_request(cart_with((book, 2), (shirt, 1)), email=f"b{round_number}@x.tr"),
        ]

        results = run_together(place, requests)

        assert not any(isinstance(r, OperationalError) for r in results), results
        assert all(isinstance(r, tuple) and r[1] for r in results), results
    assert Order.objects.count() == 6
    assert Variant.objects.get(pk=shirt.pk).allocated == 6
    assert Variant.objects.get(pk=book.pk).allocated == 12


def test_the_same_checkout_submitted_twice_at_once_makes_one_order():
    shipping_setup()
    variant = stocked_variant(on_hand=10)
    request = make_checkout_request(cart_with((variant, 3)))

    results = run_together(place, [request, request])

    assert all(isinstance(r, tuple) for r in results), results
    assert {pk for pk, _created in results} == {Order.objects.get().pk}
    assert sorted(created for _pk, created in results) == [False, True]
    assert Variant.objects.get(pk=variant.pk).allocated == 3


def test_a_single_use_code_is_used_once_however_many_race_for_it():
    shipping_setup()
    variant = stocked_variant(on_hand=20, price="200.00")
    coupon("TEKSEFER", max_uses=1, max_uses_per_customer=None)
    requests = []
    for i in range(5):
        cart = cart_with((variant, 1))
        services.cart_apply_coupon(cart=cart, code="TEKSEFER", user=None)
        requests.append(make_checkout_request(cart, email=f"racer{i}@example.com", language="en"))

    results = run_together(place, requests)

    placed = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, CouponRefused)]
    assert (len(placed), len(refused)) == (1, 4), results
    assert all("used up" in str(error) for error in refused)
    [order] = Order.objects.all()
    assert (order.coupon_code, order.discount) == ("TEKSEFER", Decimal("20.00"))
    assert Coupon.objects.get(code="TEKSEFER").times_used == 1
    assert CouponRedemption.objects.get().order == order
    assert Variant.objects.get(pk=variant.pk).allocated == 1
