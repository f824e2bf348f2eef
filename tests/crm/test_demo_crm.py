"""The CRM demo a newcomer gets from `make run`: staff logins for the call centre, loyalty tiers,
and a demo customer with a profile, points, a call, a note, a callback and a coupon."""

import pytest
from django.contrib.auth.models import Group

from crm.demo import DEMO_AGENT, DEMO_LEAD, DEMO_TEAM, seed_crm_demo
from crm.models import AgentLimit, Callback, CustomerProfile, CustomerStats, Interaction, Team
from orders.models import Coupon
from payments.models import LoyaltyTier, PointsEntry
from payments.services.points import points_balance
from shop.demo import DEMO_CUSTOMERS
from shop.models import AuditEntry, User

pytestmark = pytest.mark.django_db

AYSE = DEMO_CUSTOMERS[0][0]


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            Group,
            Team,
            Team.members.through,
            AgentLimit,
            LoyaltyTier,
            PointsEntry,
            CustomerProfile,
            Interaction,
            Callback,
            Coupon,
            CustomerStats,
            AuditEntry,
        )
    }


def test_the_crm_demo_is_all_there_and_seeding_again_changes_nothing(seeded_demo):
    agent = User.objects.get(email=DEMO_AGENT[0])
    lead = User.objects.get(email=DEMO_LEAD[0])
    assert agent.is_staff and not agent.is_superuser
    assert set(agent.groups.values_list("name", flat=True)) == {"Call-centre agent"}
    assert set(lead.groups.values_list("name", flat=True)) == {"Team lead"}
    team = Team.objects.get(name=DEMO_TEAM)
    assert team.lead == lead and set(team.members.all()) == {agent, lead}
    limit = AgentLimit.objects.get(group__name="Call-centre agent")
    assert (limit.max_goodwill_points, limit.max_coupon_value) == (500, 100)
    assert list(LoyaltyTier.objects.values_list("name", "free_shipping")) == [
        ("Bronz", False),
        ("Gümüş", False),
        ("Altın", True),
    ]
    ayse = User.objects.get(email=AYSE)
    assert points_balance(user_id=ayse.pk) > 0
    assert ayse.crm_profile.city == "34" and ayse.crm_profile.interest_tags
    contacts = Interaction.objects.filter(customer=ayse)
    assert set(contacts.values_list("channel", flat=True)) == {"phone", "note"}
    assert Callback.objects.filter(customer=ayse, status=Callback.Status.OPEN).count() == 1
    assert Coupon.objects.filter(user=ayse, issued_by=agent).count() == 1
    assert CustomerStats.objects.filter(user=ayse, orders_count__gt=0).exists()
    assert f"{DEMO_AGENT[0]} / {DEMO_AGENT[1]}" in seeded_demo
    assert f"{DEMO_LEAD[0]} / {DEMO_LEAD[1]}" in seeded_demo

    before = _counts()
    seed_crm_demo()
    assert _counts() == before


def test_the_demo_agent_finds_ayse_by_phone_and_sees_her_360(seeded_demo, client):
    assert client.login(email=DEMO_AGENT[0], password=DEMO_AGENT[1])
    ayse = User.objects.get(email=AYSE)
    response = client.get("/admin/crm/lookup/", {"phone": "0532 123 45 67"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain and str(ayse.pk) in response.redirect_chain[-1][0]
    page = response.content.decode()
    assert "Ayşe" in page
    assert "Kargonun ne zaman geleceğini sordu" in page  # the logged call
    assert "İstanbul" in page  # her profile
    assert str(points_balance(user_id=ayse.pk)) in page  # her points
