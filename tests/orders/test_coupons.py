"""Discount codes: what each kind takes off, and why a code is refused (each says its reason)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders import selectors, services
from orders.exceptions import CouponRefused
from orders.models import Cart, Coupon, CouponRedemption
from tests.factories import ProductFactory, UserFactory, make_category

from .helpers import (
    SHIPPING_PRICE,
    cart_with,
    coupon,
    make_checkout_request,
    place,
    shipping_setup,
    stocked_variant,
)

pytestmark = pytest.mark.django_db


def _quote(cart: Cart, **kwargs: object):
    return selectors.cart_quote(cart=Cart.objects.get(pk=cart.pk), **kwargs).priced


def _goods(priced) -> Decimal:
    """What the items cost after the discount (shipping and payment fees aside)."""
    return priced.totals.total - priced.totals.shipping - priced.totals.fees


def _apply(cart: Cart, code: str, **kwargs: object) -> Cart:
    kwargs.setdefault("user", cart.user)
    return services.cart_apply_coupon(cart=cart, code=code, **kwargs)


def _refusal(cart: Cart, code: str, **kwargs: object) -> str:
    with pytest.raises(CouponRefused) as refused:
        _apply(cart, code, **kwargs)
    assert Cart.objects.get(pk=cart.pk).coupon is None
    return str(refused.value)


def test_percent_off_the_basket():
    coupon("YUZDE10", kind="percent", value=Decimal("10"))
    cart = cart_with((stocked_variant(price="150.00"), 2))
    _apply(cart, " yuzde10 ")  # typed in any case, with spaces
    priced = _quote(cart)
    assert priced.totals.subtotal == Decimal("300.00")
    assert priced.totals.discount == Decimal("30.00")
    assert _goods(priced) == Decimal("270.00")


@pytest.mark.parametrize("typed", ["hoşgeldin", "HOŞGELDİN", "hosgeldin", "HoşGeldİn"])
def test_a_code_with_turkish_letters_matches_however_it_is_typed(typed):
    # Staff typed 'HOŞGELDİN'; str.upper() would turn a typed 'hoşgeldin' into 'HOŞGELDIN'.
    coupon("HOŞGELDİN", kind="percent", value=Decimal("10"))
    cart = cart_with((stocked_variant(price="100.00"), 1))
    _apply(cart, typed)
    assert _quote(cart).totals.discount == Decimal("10.00")


def test_staff_get_a_form_error_for_a_code_that_differs_only_in_case_or_turkish_letters(
    admin_client,
):
    coupon("YAZ", kind="percent", value=Decimal("5"))
    form = admin_client.get("/admin/orders/coupon/add/")
    assert form.status_code == 200
    answer = admin_client.post(
        "/admin/orders/coupon/add/", {"code": "yaz", "kind": "percent", "value": "5"}
    )
    assert answer.status_code == 200  # the form again with its error, not a 500
    assert "errorlist" in answer.content.decode()
    assert list(Coupon.objects.values_list("code", flat=True)) == ["YAZ"]


def test_fixed_amount_off_never_more_than_the_basket():
    coupon("ELLI", kind="fixed", value=Decimal("50"))
    coupon("BUYUK", kind="fixed", value=Decimal("500"))
    cart = cart_with((stocked_variant(price="80.00"), 1))
    _apply(cart, "ELLI")
    assert _goods(_quote(cart)) == Decimal("30.00")
    _apply(cart, "BUYUK")
    assert _goods(_quote(cart)) == Decimal("0.00")


def test_free_shipping_makes_delivery_free():
    shipping_setup()
    coupon("KARGOBEDAVA", kind="free_shipping")
    cart = cart_with((stocked_variant(price="100.00"), 1))
    where = {"country": "TR", "province": "İstanbul"}
    assert _quote(cart, **where).shipping.price == SHIPPING_PRICE

    _apply(cart, "KARGOBEDAVA")
    priced = _quote(cart, **where)
    assert priced.shipping.price == Decimal("0")
    assert priced.totals.discount == Decimal("0")


def test_free_shipping_is_refused_when_there_is_nothing_to_ship():
    coupon("KARGOBEDAVA", kind="free_shipping")
    cart = cart_with((stocked_variant(product__kind="digital"), 1))
    assert "nothing to ship" in _refusal(cart, "KARGOBEDAVA")


def test_unknown_code_and_empty_cart():
    coupon("YUZDE10")
    assert _refusal(cart_with((stocked_variant(), 1)), "YOKBOYLE") == "This code is not valid."
    empty = services.cart_for_user(user=None)
    assert "Add something to your cart" in _refusal(empty, "YUZDE10")


def test_minimum_basket():
    coupon("MIN500", min_basket=Decimal("500.00"))
    cart = cart_with((stocked_variant(price="200.00"), 2))
    assert _refusal(cart, "MIN500") == "This code needs a basket of at least ₺500.00."
    services.cart_add(cart=cart, variant_id=cart.lines.get().variant_id, quantity=1)
    _apply(cart, "MIN500")
    assert _quote(cart).totals.discount == Decimal("60.00")


def test_not_yet_valid_and_expired_codes():
    now = timezone.now()
    coupon("YARIN", starts_at=now + timedelta(days=1))
    coupon("DUN", ends_at=now - timedelta(minutes=1))
    coupon("KAPALI", is_active=False)
    cart = cart_with((stocked_variant(), 1))
    assert _refusal(cart, "YARIN") == "This code is not valid yet."
    assert _refusal(cart, "DUN") == "This code has expired."
    assert _refusal(cart, "KAPALI") == "This code is not valid."


def test_a_code_that_expires_while_in_the_cart_no_longer_discounts():
    code = coupon("BUGUN", ends_at=timezone.now() + timedelta(hours=1))
    cart = cart_with((stocked_variant(price="100.00"), 1))
    _apply(cart, "BUGUN")
    priced = selectors.cart_quote(
        cart=Cart.objects.get(pk=cart.pk), now=code.ends_at + timedelta(seconds=1)
    ).priced
    assert priced.coupon.error == "This code has expired."
    assert priced.totals.discount == Decimal("0")


def test_total_usage_limit():
    coupon("SON", max_uses=3, times_used=3)
    cart = cart_with((stocked_variant(), 1))
    assert _refusal(cart, "SON") == "This code has been used up."


def test_once_per_customer_by_account():
    shipping_setup()
    coupon("HOSGELDIN")
    user = UserFactory(verified=True)
    variant = stocked_variant()
    first = cart_with((variant, 1), user=user)
    _apply(first, "HOSGELDIN")
    order = place(first)
    assert order.coupon_code == "HOSGELDIN"
    assert CouponRedemption.objects.get(order=order).user == user

    second = cart_with((variant, 1), user=user)
    assert _refusal(second, "HOSGELDIN") == "You have already used this code."


def test_once_per_customer_by_guest_email_in_any_case():
    shipping_setup()
    coupon("HOSGELDIN")
    variant = stocked_variant()
    first = cart_with((variant, 1))
    _apply(first, "HOSGELDIN", email="misafir@example.com")
    place(first, email="misafir@example.com")

    second = cart_with((variant, 1))
    refusal = _refusal(second, "HOSGELDIN", email="Misafir@Example.com")
    assert refusal == "You have already used this code."


def test_a_guest_who_used_the_code_is_stopped_at_checkout():
    """Applied before the email was known: the checkout refuses it with the same reason."""
    shipping_setup()
    coupon("HOSGELDIN")
    variant = stocked_variant()
    first = cart_with((variant, 1))
    _apply(first, "HOSGELDIN", email="misafir@example.com")
    place(first, email="misafir@example.com")

    second = cart_with((variant, 1))
    _apply(second, "HOSGELDIN")  # no email yet
    request = make_checkout_request(second, email="misafir@example.com", language="en")
    with pytest.raises(CouponRefused, match="You have already used this code"):
        services.order_place(request=request)
    assert CouponRedemption.objects.count() == 1


def test_a_per_customer_limit_above_one():
    shipping_setup()
    coupon("IKIKEZ", max_uses_per_customer=2)
    user = UserFactory(verified=True)
    variant = stocked_variant()
    for _ in range(2):
        cart = cart_with((variant, 1), user=user)
        _apply(cart, "IKIKEZ")
        place(cart)
    cart = cart_with((variant, 1), user=user)
    assert _refusal(cart, "IKIKEZ") == "You have already used this code."


def test_limited_to_a_category_includes_its_subcategories():
    clothing = make_category("Giyim")
    shirts = make_category("Gömlek", parent=clothing)
    books = make_category("Kitap")
    code = coupon("GIYIM20", value=Decimal("20"))
    code.categories.add(clothing)
    shirt = stocked_variant(price="100.00", product=ProductFactory(category=shirts))
    book = stocked_variant(price="50.00", product=ProductFactory(category=books))

    only_books = cart_with((book, 1))
    assert (
        _refusal(only_books, "GIYIM20") == "This code does not apply to the products in your cart."
    )

    both = cart_with((shirt, 1), (book, 2))
    _apply(both, "GIYIM20")
    priced = _quote(both)
    assert priced.totals.discount == Decimal("20.00")  # 20 % of the shirt only
    by_line = {t.key: t.discount for t in priced.totals.lines}
    assert by_line[str(both.lines.get(variant=book).pk)] == Decimal("0")


def test_a_category_coupon_reads_the_lines_categories_in_one_query():
    # Applying or pricing with a coupon for some categories costs the same for 1 line or 6.
    clothing = make_category("Giyim")
    code = coupon("GIYIM10", value=Decimal("10"))
    code.categories.add(clothing)
    counts = []
    for lines in (1, 6):
        cart = cart_with(
            *(
                (stocked_variant(price="100.00", product=ProductFactory(category=clothing)), 1)
                for _ in range(lines)
            )
        )
        with CaptureQueriesContext(connection) as applying:
            _apply(cart, "GIYIM10")
        with CaptureQueriesContext(connection) as pricing:
            priced = _quote(cart)
        assert priced.totals.discount == Decimal("10.00") * lines
        counts.append((len(applying), len(pricing)))
    assert counts[0] == counts[1]


def test_limited_to_a_product():
    shirt, book = stocked_variant(price="100.00"), stocked_variant(price="50.00")
    code = coupon("BUURUN", kind="fixed", value=Decimal("30"))
    code.products.add(shirt.product)
    assert "does not apply" in _refusal(cart_with((book, 1)), "BUURUN")
    cart = cart_with((shirt, 1), (book, 1))
    _apply(cart, "BUURUN")
    assert _goods(_quote(cart)) == Decimal("120.00")


def test_one_code_per_cart_a_new_one_replaces_the_old():
    coupon("YUZDE10", value=Decimal("10"))
    coupon("YUZDE25", value=Decimal("25"))
    cart = cart_with((stocked_variant(price="200.00"), 1))
    _apply(cart, "YUZDE10")
    _apply(cart, "YUZDE25")
    assert Cart.objects.get(pk=cart.pk).coupon.code == "YUZDE25"
    assert _quote(cart).totals.discount == Decimal("50.00")

    services.cart_remove_coupon(cart=cart)
    assert Cart.objects.get(pk=cart.pk).coupon is None
    assert _quote(cart).totals.discount == Decimal("0")


def test_a_refused_code_keeps_the_one_already_applied():
    coupon("YUZDE10")
    coupon("DUN", ends_at=timezone.now() - timedelta(days=1))
    cart = cart_with((stocked_variant(), 1))
    _apply(cart, "YUZDE10")
    with pytest.raises(CouponRefused):
        _apply(cart, "DUN")
    assert Cart.objects.get(pk=cart.pk).coupon.code == "YUZDE10"


def test_staff_see_what_each_use_of_a_code_saved():
    shipping_setup()
    coupon("YUZDE10")
    coupon("KARGOBEDAVA", kind="free_shipping")
    variant = stocked_variant(price="200.00")

    percent = cart_with((variant, 1))
    _apply(percent, "YUZDE10")
    free_delivery = cart_with((variant, 1))
    _apply(free_delivery, "KARGOBEDAVA")
    discounted, delivered_free = place(percent), place(free_delivery)

    assert CouponRedemption.objects.get(order=discounted).amount == Decimal("20.00")
    assert delivered_free.shipping == Decimal("0")
    assert CouponRedemption.objects.get(order=delivered_free).amount == SHIPPING_PRICE
