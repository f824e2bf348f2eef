"""Personal coupons: one customer's single-use code, issued once per occasion (its issue key)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from orders import selectors, services
from orders.exceptions import CouponIssueRefused, CouponRefused
from orders.models import Cart, Coupon, CouponRedemption, Order
from shop.models import AuditEntry
from tests.factories import StaffFactory, UserFactory

from .helpers import cart_with, place, shipping_setup, signed_in_client, stocked_variant
from .test_concurrency import run_together

pytestmark = pytest.mark.django_db

OTHERS_MESSAGE = "This code is personal and was given to another account."
GUEST_MESSAGE = "This code is personal: sign in to the account it was given to, then use it."


def _issue(user, *, key: str = "goodwill:1", **overrides: object) -> Coupon:
    values = {
        "user": user,
        "kind": "fixed",
        "value": Decimal("50"),
        "valid_days": 30,
        "reason": "Late parcel",
        "issue_key": key,
    }
    return services.coupon_issue_personal(**{**values, **overrides})


def _refused(cart: Cart, code: str, *, user) -> str:
    with pytest.raises(CouponRefused) as refused:
        services.cart_apply_coupon(
            cart=cart, code=code, user=user, email=user.email if user else ""
        )
    assert Cart.objects.get(pk=cart.pk).coupon is None
    return str(refused.value)


def test_the_owner_uses_a_personal_coupon_once():
    shipping_setup()
    owner = UserFactory(verified=True)
    coupon = _issue(owner)
    assert coupon.max_uses == 1 and coupon.user == owner
    assert len(coupon.code) == 10 and coupon.code.isalnum()  # read out on the phone

    cart = cart_with((stocked_variant(price="200.00"), 1), user=owner)
    services.cart_apply_coupon(cart=cart, code=coupon.code.lower(), user=owner)
    order = place(cart, user=owner)
    assert order.discount == Decimal("50.00") and order.coupon_code == coupon.code
    assert Coupon.objects.get(pk=coupon.pk).times_used == 1
    assert selectors.personal_coupons(user=owner) == []  # no longer offered

    again = cart_with((stocked_variant(price="200.00"), 1), user=owner)
    assert "used" in _refused(again, coupon.code, user=owner)


def test_nobody_else_can_use_it_and_learns_nothing_about_it():
    shipping_setup()
    owner = UserFactory(verified=True, email="sahibi@example.com")
    coupon = _issue(owner)
    other = UserFactory(verified=True)
    their_cart = cart_with((stocked_variant(price="200.00"), 1), user=other)
    guest_cart = cart_with((stocked_variant(price="200.00"), 1))

    assert _refused(their_cart, coupon.code, user=other) == OTHERS_MESSAGE
    assert _refused(guest_cart, coupon.code, user=None) == GUEST_MESSAGE
    # Even once used up, another shopper hears only that it is not theirs.
    Coupon.objects.filter(pk=coupon.pk).update(times_used=1)
    assert _refused(their_cart, coupon.code, user=other) == OTHERS_MESSAGE
    assert "sahibi" not in OTHERS_MESSAGE + GUEST_MESSAGE
    assert not CouponRedemption.objects.exists()
    assert not Order.objects.exists()


def test_a_personal_code_on_a_guest_cart_is_refused_at_placement_too():
    """A code that slipped onto a cart (a guest cart merged, an old form) still cannot be used."""
    shipping_setup()
    owner = UserFactory(verified=True)
    coupon = _issue(owner)
    cart = cart_with((stocked_variant(price="200.00"), 1))
    Cart.objects.filter(pk=cart.pk).update(coupon=coupon)
    with pytest.raises(CouponRefused, match="personal"):
        place(cart, language="en")
    assert Coupon.objects.get(pk=coupon.pk).times_used == 0
    assert not Order.objects.exists()


def test_another_customer_typing_it_in_the_cart_sees_the_message(client):
    owner = UserFactory(verified=True)
    coupon = _issue(owner)
    other = UserFactory(verified=True, language="en")
    browser = signed_in_client(other)
    browser.post(reverse("orders:cart_add"), {"variant": stocked_variant().pk, "quantity": 1})
    page = browser.post(reverse("orders:cart_coupon"), {"code": coupon.code}, follow=True)
    assert OTHERS_MESSAGE in page.content.decode()

    client.post(reverse("orders:cart_add"), {"variant": stocked_variant().pk, "quantity": 1})
    page = client.post(reverse("orders:cart_coupon"), {"code": coupon.code}, follow=True)
    assert GUEST_MESSAGE in page.content.decode()


def test_the_issuing_job_run_twice_makes_one_coupon_and_staff_issues_are_audited():
    owner = UserFactory(verified=True)
    agent = StaffFactory()
    first = _issue(owner, key="complaint:7:goodwill", issued_by=agent)
    second = _issue(owner, key="complaint:7:goodwill", issued_by=agent, value=Decimal("80"))
    assert first.pk == second.pk and second.value == Decimal("50.00")
    assert Coupon.objects.filter(user=owner).count() == 1
    entries = AuditEntry.objects.filter(action="coupon_issue_personal")
    assert [(e.actor_id, e.object_id, e.reason) for e in entries] == [
        (agent.pk, str(first.pk), "Late parcel")
    ]
    # A job's issue (no staff member) is not a staff action.
    _issue(owner, key="birthday:2027")
    assert AuditEntry.objects.filter(action="coupon_issue_personal").count() == 1


def test_bad_issues_are_refused_with_a_reason():
    owner = UserFactory(verified=True)
    with pytest.raises(CouponIssueRefused, match="at most 100"):
        _issue(owner, kind="percent", value=Decimal("120"))
    with pytest.raises(CouponIssueRefused, match="at least one day"):
        _issue(owner, valid_days=0)
    with pytest.raises(CouponIssueRefused, match="issue key"):
        _issue(owner, key="")
    _issue(owner, key="k1")
    with pytest.raises(CouponIssueRefused, match="another customer"):
        _issue(UserFactory(), key="k1")
    assert Coupon.objects.count() == 1


def test_coupons_without_a_key_do_not_collide(admin_client):
    """Many shop-wide coupons have no issue key: stored as NULL, never as a clashing ''."""
    Coupon.objects.create(code="A1", kind="percent", value=5)
    Coupon.objects.create(code="B2", kind="percent", value=5, issue_key="")
    answer = admin_client.post(
        "/admin/orders/coupon/add/",
        {
            "code": "C3",
            "kind": "percent",
            "value": "5",
            "min_basket": "0",
            "max_uses_per_customer": "1",
            "is_active": "on",
            "created_at_0": "2026-12-07",
            "created_at_1": "10:00:00",
        },
    )
    errors = re.findall(r'<ul class="errorlist[^>]*>.*?</ul>', answer.content.decode(), re.S)
    assert answer.status_code == 302, errors
    assert list(Coupon.objects.values_list("issue_key", flat=True)) == [None, None, None]


def test_customers_see_their_own_unused_coupons_and_can_use_one():
    owner = UserFactory(verified=True, language="en")
    coupon = _issue(owner)
    _issue(UserFactory(), key="other")
    browser = signed_in_client(owner)
    page = browser.get(reverse("orders:my_coupons")).content.decode()
    assert coupon.code in page and page.count('name="code"') == 1

    browser.post(reverse("orders:cart_add"), {"variant": stocked_variant().pk, "quantity": 1})
    browser.post(reverse("orders:cart_coupon"), {"code": coupon.code})
    assert Cart.objects.get(user=owner).coupon == coupon


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_issuing_at_once_make_one_coupon():
    owner = UserFactory(verified=True)
    results = run_together(lambda _n: _issue(owner, key="birthday:2027:race").pk, [1, 2, 3])
    assert all(isinstance(r, int) for r in results), results
    assert len(set(results)) == 1
    assert Coupon.objects.filter(issue_key="birthday:2027:race").count() == 1
