"""Builders for the resolution action tests: agents with limits, a lead, a paid order and its
ticket."""

import uuid
from decimal import Decimal

from django.contrib.auth.models import Permission

from complaints.models import Ticket
from complaints.services import complaint_open
from complaints.states import Category, Channel
from crm.models import AgentLimit
from orders.models import Order
from payments.services import balance_adjust
from shop.models import User
from tests.factories import StaffFactory, UserFactory
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant


def staff_with(*perms: str, **fields: object) -> User:
    user = StaffFactory(is_superuser=False, **fields)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return User.objects.get(pk=user.pk)  # a fresh permission cache


def agent(*, refund: str = "0", coupon: str = "0", points: int = 0) -> User:
    """A complaint agent allowed to act, with these limits."""
    user = staff_with("complaints.resolve_ticket", "complaints.view_ticket")
    AgentLimit.objects.create(
        user=user,
        max_refund_amount=Decimal(refund),
        max_coupon_value=Decimal(coupon),
        max_goodwill_points=points,
    )
    return user


def lead() -> User:
    """A team lead: decides goodwill above an agent's limit (no limit of their own set)."""
    return staff_with("complaints.resolve_ticket", "complaints.view_ticket", "crm.decide_goodwill")


def balance_order(*items: tuple[object, int], customer: User | None = None) -> Order:
    """A confirmed order paid from the customer's prepaid balance (refunds go back to it)."""
    if not items:
        items = ((stocked_variant(price="100.00"), 2), (stocked_variant(price="50.00"), 1))
    shipping_setup()
    customer = customer or UserFactory(verified=True)
    balance_adjust(user=customer, amount=Decimal("1000.00"), reason="Yükleme", by=StaffFactory())
    order = place(cart_with(*items, user=customer), payment_method="stored_value")
    order = Order.objects.get(pk=order.pk)
    assert (order.status, order.payment_status) == ("confirmed", "paid")
    return order


def ticket_about(order: Order, *lines: object) -> Ticket:
    return complaint_open(
        channel=Channel.PHONE,
        category=Category.WRONG_OR_DAMAGED,
        description="Ürün kırık geldi.",
        customer=order.user,
        contact_email=order.email,
        order=order,
        order_lines=lines,
        by=StaffFactory(),
    )


def token() -> str:
    return uuid.uuid4().hex
