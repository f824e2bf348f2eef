"""The cart: adding, changing and removing items against stock, price changes, merging."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.services import variant_set_price
from orders import selectors, services
from orders.exceptions import CartError
from orders.models import Cart, CartLine, CartStatus
from orders.tasks import delete_stale_carts
from tests.factories import UserFactory

from .helpers import cart_with, coupon, stocked_variant

pytestmark = pytest.mark.django_db


def _quantities(cart: Cart) -> dict[int, int]:
    return dict(CartLine.objects.filter(cart=cart).values_list("variant_id", "quantity"))


def _version(cart: Cart) -> int:
    return Cart.objects.get(pk=cart.pk).version


def test_adding_the_same_item_twice_adds_up_on_one_line():
    variant = stocked_variant(on_hand=10)
    cart = services.cart_for_user(user=None)
    services.cart_add(cart=cart, variant_id=variant.pk, quantity=2)
    services.cart_add(cart=cart, variant_id=variant.pk, quantity=3)
    assert _quantities(cart) == {variant.pk: 5}
    assert selectors.cart_item_count(cart=cart) == 5


def test_changing_the_quantity_and_removing_a_line():
    shirt, book = stocked_variant(), stocked_variant()
    cart = cart_with((shirt, 1), (book, 1))
    shirt_line = CartLine.objects.get(cart=cart, variant=shirt)
    book_line = CartLine.objects.get(cart=cart, variant=book)

    services.cart_set_quantity(cart=cart, line_id=shirt_line.pk, quantity=4)
    services.cart_remove(cart=cart, line_id=book_line.pk)
    assert _quantities(cart) == {shirt.pk: 4}

    assert services.cart_set_quantity(cart=cart, line_id=shirt_line.pk, quantity=0) is None
    assert _quantities(cart) == {}


def test_adding_more_than_is_in_stock_is_refused_and_changes_nothing():
    variant = stocked_variant(on_hand=3, product__name_en="Linen shirt")
    cart = cart_with((variant, 2))
    version = _version(cart)

    with pytest.raises(CartError, match="Only 3 of “Linen shirt” left in stock"):
        services.cart_add(cart=cart, variant_id=variant.pk, quantity=2)
    line = CartLine.objects.get(cart=cart)
    with pytest.raises(CartError, match="Only 3 of “Linen shirt” left in stock"):
        services.cart_set_quantity(cart=cart, line_id=line.pk, quantity=4)

    assert _quantities(cart) == {variant.pk: 2}
    assert _version(cart) == version


def test_an_item_out_of_stock_cannot_be_added():
    variant = stocked_variant(on_hand=0, product__name_en="Wool scarf")
    cart = services.cart_for_user(user=None)
    with pytest.raises(CartError, match="“Wool scarf” is out of stock"):
        services.cart_add(cart=cart, variant_id=variant.pk)
    assert _quantities(cart) == {}


def test_stock_promised_to_orders_is_not_offered_again():
    variant = stocked_variant(on_hand=5)
    variant.allocated = 4
    variant.save(update_fields=["allocated"])
    cart = services.cart_for_user(user=None)
    with pytest.raises(CartError, match="Only 1 of"):
        services.cart_add(cart=cart, variant_id=variant.pk, quantity=2)


def test_quantity_below_one_is_refused():
    variant = stocked_variant()
    cart = services.cart_for_user(user=None)
    with pytest.raises(CartError, match="at least 1"):
        services.cart_add(cart=cart, variant_id=variant.pk, quantity=0)


def test_a_product_no_longer_sold_cannot_be_added():
    variant = stocked_variant(product__status="archived")
    cart = services.cart_for_user(user=None)
    with pytest.raises(CartError, match="no longer sold"):
        services.cart_add(cart=cart, variant_id=variant.pk)


def test_a_price_change_since_adding_is_flagged_until_the_customer_has_seen_it():
    variant = stocked_variant(price="100.00")
    cart = cart_with((variant, 2))
    [state] = selectors.cart_quote(cart=cart).priced.lines
    assert (state.price_changed, state.unit_price) == (False, Decimal("100.00"))

    variant_set_price(variant=variant, price=Decimal("120.00"))

    priced = selectors.cart_quote(cart=cart).priced
    [state] = priced.lines
    assert (state.price_changed, state.unit_price) == (True, Decimal("120.00"))
    assert state.line.seen_price == Decimal("100.00")
    assert priced.totals.subtotal == Decimal("240.00")

    assert services.cart_note_prices_seen(cart=cart) == 1
    [state] = selectors.cart_quote(cart=cart).priced.lines
    assert state.price_changed is False


def test_every_change_makes_a_new_cart_version():
    variant = stocked_variant()
    cart = services.cart_for_user(user=None)
    versions = [_version(cart)]
    line = services.cart_add(cart=cart, variant_id=variant.pk)
    versions.append(_version(cart))
    services.cart_set_quantity(cart=cart, line_id=line.pk, quantity=3)
    versions.append(_version(cart))
    coupon("YUZDE10")
    services.cart_apply_coupon(cart=cart, code="yuzde10", user=None)
    versions.append(_version(cart))
    services.cart_remove_coupon(cart=cart)
    versions.append(_version(cart))
    services.cart_remove(cart=cart, line_id=line.pk)
    versions.append(_version(cart))
    assert versions == sorted(set(versions)), versions
    assert Cart.objects.get(pk=cart.pk).token == f"{cart.pk}.{versions[-1]}"


def test_a_signed_in_customer_has_one_open_cart():
    user = UserFactory()
    first = services.cart_for_user(user=user)
    assert services.cart_for_user(user=user) == first
    assert selectors.open_cart(user=user, cart_id=None) == first


def test_merging_on_log_in_keeps_every_line_and_adds_up_quantities_within_stock():
    user = UserFactory()
    plenty, scarce, only_guest = (
        stocked_variant(on_hand=10),
        stocked_variant(on_hand=4),
        stocked_variant(on_hand=10),
    )
    mine = cart_with((plenty, 2), (scarce, 3), user=user)
    guest = cart_with((plenty, 1), (scarce, 3), (only_guest, 2))
    version = mine.version

    merged = services.cart_merge(guest_cart=guest, user=user)

    assert merged.pk == mine.pk
    assert _quantities(mine) == {plenty.pk: 3, scarce.pk: 4, only_guest.pk: 2}
    assert Cart.objects.get(pk=guest.pk).status == CartStatus.MERGED
    assert _version(mine) > version
    assert selectors.open_cart(user=user, cart_id=None) == mine
    assert selectors.open_cart(user=None, cart_id=guest.pk) is None


def test_merging_into_an_account_without_a_cart_hands_the_guest_cart_over():
    user = UserFactory()
    variant = stocked_variant()
    guest = cart_with((variant, 2))
    merged = services.cart_merge(guest_cart=guest, user=user)
    assert merged.pk == guest.pk
    assert selectors.open_cart(user=user, cart_id=None).pk == guest.pk
    assert _quantities(guest) == {variant.pk: 2}


def test_a_checked_out_cart_cannot_be_changed():
    variant = stocked_variant()
    cart = cart_with((variant, 1))
    Cart.objects.filter(pk=cart.pk).update(status=CartStatus.ORDERED)
    with pytest.raises(CartError, match="already been checked out"):
        services.cart_add(cart=cart, variant_id=variant.pk)


def test_guest_carts_nobody_touched_for_long_are_deleted(settings):
    settings.CART_GUEST_RETENTION_DAYS = 30
    variant = stocked_variant()
    forgotten = cart_with((variant, 1), (stocked_variant(), 2))
    recent = cart_with((variant, 1))
    customers = cart_with((variant, 1), user=UserFactory())
    long_ago = timezone.now() - timedelta(days=31)
    Cart.objects.filter(pk__in=[forgotten.pk, customers.pk]).update(updated_at=long_ago)

    assert delete_stale_carts() == 1
    assert set(Cart.objects.values_list("pk", flat=True)) == {recent.pk, customers.pk}
    assert delete_stale_carts() == 0
