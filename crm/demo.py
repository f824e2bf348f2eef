"""Demo data for the CRM and the call centre (issue 26).

Staff: a call-centre agent and a team lead (in the staff groups, one team, goodwill limits for
the agent group). Loyalty: three tiers, and points for the demo customer's delivered orders.
The demo customer: a profile, a logged call and a note, an open "call me back" request, a
personal goodwill coupon; then the customers' figures for the 360. Idempotent: each part is
made once (looked up by its key) and running it again changes nothing.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from catalog.models import Category
from orders.models import Coupon, Order
from orders.states import OrderStatus
from payments.models import LoyaltyTier, Refund
from payments.services.points import points_balance, points_earn
from shop.demo import DEMO_CUSTOMERS, register_demo_login
from shop.models import User

from .analytics.rollups import analytics_rebuild
from .customer360.actions import goodwill_coupon_give
from .customer360.stats import customer_stats_refresh
from .models import AgentLimit, Callback, CustomerProfile, CustomerStats, Interaction, Team
from .segments.rfm import rfm_refresh
from .services.profile import profile_update
from .staff.callbacks import callback_request
from .staff.groups import CALL_CENTRE_AGENT, staff_groups_setup
from .staff.interactions import interaction_log

TEAM_LEAD = "Team lead"
DEMO_AGENT = ("agent@dukkan.local", "dukkan-agent", "Zeynep", "Kaya")
DEMO_LEAD = ("lead@dukkan.local", "dukkan-lead", "Murat", "Aydın")
DEMO_TEAM = "Çağrı merkezi"
AGENT_LIMITS = {
    "max_goodwill_points": 500,
    "max_coupon_value": Decimal("100.00"),
    "max_refund_amount": Decimal("200.00"),
}
# (name, 12-month spend from, points multiplier, free shipping)
DEMO_TIERS = [
    ("Bronz", Decimal("0.00"), Decimal("1.00"), False),
    ("Gümüş", Decimal("2000.00"), Decimal("1.25"), False),
    ("Altın", Decimal("10000.00"), Decimal("1.50"), True),
]
CALL_SUMMARY = (
    "Kargonun ne zaman geleceğini sordu; takip numarasını ve tahmini teslim gününü ilettim."
)
NOTE_SUMMARY = "Hafta içi 18.00'den sonra aranmayı tercih ediyor."
# The 360's goodwill form token, fixed here: the coupon is issued once, whatever the runs.
COUPON_TOKEN = "demo-goodwill-coupon-ayse"
COUPON_VALUE = Decimal("50.00")


def register_logins() -> None:
    register_demo_login("Agent login", DEMO_AGENT[0], DEMO_AGENT[1])
    register_demo_login("Lead login", DEMO_LEAD[0], DEMO_LEAD[1])


def seed_crm_demo() -> str:
    agent, lead = seed_staff_demo()
    seed_tiers_demo()
    customer = User.objects.get(email__iexact=DEMO_CUSTOMERS[0][0])
    held = seed_points_demo(customer)
    seed_profile_demo(customer)
    seed_contacts_demo(customer, agent=agent)
    seed_coupon_demo(customer, agent=agent)
    customer_stats_refresh()
    rfm_refresh()  # the 360 shows each demo customer's group at once, not after the first night
    analytics_rebuild()  # the dashboard shows the demo's orders at once, not after the night job
    return (
        f"team {DEMO_TEAM} ({agent.email}, lead {lead.email}), "
        f"{LoyaltyTier.objects.count()} loyalty tiers, {held} points held by "
        f"{customer.email}, {CustomerStats.objects.count()} customer figures"
    )


@transaction.atomic
def seed_staff_demo() -> tuple[User, User]:
    if Group.objects.filter(name__in=[CALL_CENTRE_AGENT, TEAM_LEAD]).count() != 2:
        staff_groups_setup()  # the crm migrations make them; this only if they were removed
    agent = _staff(*DEMO_AGENT, group=CALL_CENTRE_AGENT)
    lead = _staff(*DEMO_LEAD, group=TEAM_LEAD)
    team, _ = Team.objects.get_or_create(name=DEMO_TEAM, defaults={"lead": lead})
    team.members.add(agent, lead)
    AgentLimit.objects.get_or_create(
        group=Group.objects.get(name=CALL_CENTRE_AGENT), defaults=AGENT_LIMITS
    )
    return agent, lead


def _staff(email: str, password: str, first: str, last: str, *, group: str) -> User:
    from allauth.account.models import EmailAddress

    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email, password, first_name=first, last_name=last, language="tr", is_staff=True
        )
    user.groups.add(Group.objects.get(name=group))
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def seed_tiers_demo() -> None:
    for name, min_spend, multiplier, free_shipping in DEMO_TIERS:
        LoyaltyTier.objects.get_or_create(
            min_spend=min_spend,
            defaults={
                "name": name,
                "points_multiplier": multiplier,
                "free_shipping": free_shipping,
            },
        )


def seed_points_demo(customer: User) -> int:
    """What the delivery receiver credits, for each order of hers that was delivered and not
    refunded (same key: an order already credited when it was delivered is left alone);
    returns the points she holds."""
    delivered = (
        Order.objects.filter(user=customer, events__to_status=OrderStatus.DELIVERED)
        .exclude(pk__in=Refund.objects.values("payment__order_id"))
        .distinct()
        .order_by("pk")
    )
    for order in delivered:
        points_earn(
            user=customer,
            order_id=order.pk,
            amount=order.subtotal - order.discount,
            key=f"earn:order-{order.pk}",
        )
    return points_balance(user_id=customer.pk)


def seed_profile_demo(customer: User) -> None:
    if CustomerProfile.objects.filter(user=customer).exists():
        return
    interests = Category.objects.filter(is_active=True, depth=1).order_by("path")[:2]
    profile_update(
        user=customer,
        birth_date=date(1990, 4, 23),
        city="34",
        interest_tags=["kahve", "kamp", "kitap"],
        interest_categories=list(interests),
    )


def seed_contacts_demo(customer: User, *, agent: User) -> None:
    contacts = Interaction.objects.filter(customer=customer)
    if not contacts.filter(summary=CALL_SUMMARY).exists():
        order = Order.objects.filter(user=customer).order_by("pk").first()
        interaction_log(
            agent=agent,
            customer=customer,
            channel=Interaction.Channel.PHONE,
            direction=Interaction.Direction.INBOUND,
            summary=CALL_SUMMARY,
            outcome=Interaction.Outcome.INFORMATION_GIVEN,
            order=order,
        )
    if not contacts.filter(summary=NOTE_SUMMARY).exists():
        interaction_log(
            agent=agent,
            customer=customer,
            channel=Interaction.Channel.NOTE,
            direction=Interaction.Direction.INTERNAL,
            summary=NOTE_SUMMARY,
            outcome=Interaction.Outcome.NOTED,
        )
    if not Callback.objects.filter(customer=customer).exists():
        start = (timezone.now() + timedelta(days=1)).replace(
            hour=15, minute=0, second=0, microsecond=0
        )
        callback_request(
            name=customer.get_full_name(),
            phone=customer.phone,
            window_start=start,
            window_end=start + timedelta(hours=2),
            topic=Callback.Topic.RETURN,
            user=customer,
        )


def seed_coupon_demo(customer: User, *, agent: User) -> None:
    # Given once: a later run skips the limit check (staff may have lowered the limit since).
    if Coupon.objects.filter(issue_key=f"goodwill:{customer.pk}:{COUPON_TOKEN}").exists():
        return
    goodwill_coupon_give(
        agent=agent,
        customer=customer,
        value=COUPON_VALUE,
        valid_days=90,
        reason="Geciken kargo için özür kuponu",
        token=COUPON_TOKEN,
    )
