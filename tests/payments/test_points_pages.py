"""Points on the pages: the cart's "use points" form with clear refusals, "My points", and the
staff screen whose adjustment needs its own permission and a reason."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from payments.models import PointsAccount, PointsEntry
from payments.services.points import points_adjust, points_balance
from shop.models import AuditEntry
from tests.factories import StaffFactory, UserFactory
from tests.orders.helpers import cart_with, signed_in_client, stocked_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper(settings):
    settings.LOYALTY_REDEEM_MIN_POINTS = 100
    settings.LOYALTY_POINT_VALUE = "0.01"
    settings.LOYALTY_REDEEM_MAX_SHARE = "0.50"
    customer = UserFactory(verified=True)
    points_adjust(user=customer, points=3000, reason="Welcome points", actor=StaffFactory())
    cart_with((stocked_variant(price="30.00"), 1), user=customer)
    return customer


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Enter a whole number of points."),
        ("5000", "You have 3000 points; you cannot use 5000."),
        ("50", "Use at least 100 points at a time."),
        ("2000", "This basket takes at most 1500 points."),
    ],
)
def test_the_cart_refuses_points_it_cannot_take_with_a_clear_message(shopper, typed, message):
    client = signed_in_client(shopper)
    response = client.post(reverse("orders:cart_points"), {"points": typed}, follow=True)
    page = response.content.decode()
    assert message in page
    assert '<label for="points-to-use">Points to use</label>' in page
    assert "−15.00" not in page


def test_points_used_in_the_cart_lower_its_total_and_can_be_removed(shopper):
    client = signed_in_client(shopper)
    page = client.post(reverse("orders:cart_points"), {"points": "1500"}, follow=True)
    html = page.content.decode()
    assert "Your points have been applied." in html
    assert "of which loyalty points" in html
    assert "15.00" in html
    page = client.post(reverse("orders:cart_points"), {"remove": "1"}, follow=True)
    assert "Your points are no longer used on this cart." in page.content.decode()
    assert points_balance(user_id=shopper.pk) == 3000  # nothing is spent before placement


def test_my_points_shows_the_balance_and_the_next_expiry(shopper):
    client = signed_in_client(shopper)
    page = client.get(reverse("wallet:points")).content.decode()
    assert '<strong id="points-balance">3000</strong>' in page
    assert 'id="points-next-expiry"' in page and "3000 points expire on" in page
    assert reverse("wallet:points") in page  # the account menu links it
    assert "Welcome points" in page


def test_staff_adjust_points_only_with_the_permission_and_a_reason(client, shopper):
    account = PointsAccount.objects.get(user=shopper)
    url = reverse("admin:payments_pointsaccount_adjust", args=[account.pk])
    viewer = StaffFactory(is_superuser=False)
    viewer.user_permissions.add(*Permission.objects.filter(codename="view_pointsaccount"))
    client.force_login(viewer)
    assert (
        client.get(reverse("admin:payments_pointsaccount_change", args=[account.pk])).status_code
        == 200
    )
    assert client.post(url, {"points": "100", "reason": "Goodwill"}).status_code == 403

    agent = StaffFactory(is_superuser=False)
    agent.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_pointsaccount", "adjust_points"])
    )
    client.force_login(agent)
    refused = client.post(url, {"points": "-5000", "reason": "Typo"})
    assert "The customer has 3000 points; you cannot take 5000." in refused.content.decode()
    assert client.post(url, {"points": "100", "reason": ""}).status_code == 200
    assert points_balance(user_id=shopper.pk) == 3000
    done = client.post(url, {"points": "250", "reason": "Late parcel"})
    assert done.status_code == 302
    assert points_balance(user_id=shopper.pk) == 3250
    entry = PointsEntry.objects.get(reason="Late parcel")
    assert entry.created_by == agent
    assert AuditEntry.objects.filter(action="points.adjust", actor=agent).count() == 1
    assert Decimal(entry.points) == Decimal(250)


def test_a_customer_checks_out_with_points_chosen_in_the_cart(shopper):
    from orders.models import Order
    from tests.orders.helpers import shipping_setup
    from tests.orders.test_pages import checkout_form, guest_form

    method = shipping_setup()
    client = signed_in_client(shopper)
    client.post(reverse("orders:cart_points"), {"points": "1000"})
    data = guest_form(method, email=shopper.email)
    data = {k: v for k, v in data.items() if v is not None}
    response, hidden = checkout_form(client, data)
    assert "of which loyalty points" in response.content.decode()
    placed = client.post(reverse("orders:checkout"), {**hidden, **data})
    assert placed.status_code == 302, placed.content.decode()[:2000]
    order = Order.objects.get()
    assert (order.points_redeemed, order.points_discount) == (1000, Decimal("10.00"))
    assert order.subtotal - order.discount == Decimal("20.00")
    assert order.total == Decimal("20.00") + order.shipping + order.fees
    assert points_balance(user_id=shopper.pk) == 2000
