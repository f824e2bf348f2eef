"""RFM scores and groups (crm/segments/rfm.py, docs/rfm.md) against a hand calculation, the
12-month spend of the figures against the loyalty tier's own measure, and the nightly job."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from crm.bulk_orders import seed_orders
from crm.customer360.stats import customer_stats_refresh
from crm.models import CustomerStats
from crm.segments.rfm import GROUP_TABLE, frequency_score, rfm_group_of, rfm_refresh
from crm.segments.rules import segment_queryset
from crm.segments.selectors import segment_count
from crm.tasks import refresh_rfm
from payments.models import LoyaltyTier
from payments.selectors.points import customer_spend_12m, loyalty_tier
from shop.celery import PERIODIC_JOBS
from tests.factories import StaffFactory, UserFactory, VariantFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(timezone.datetime(2027, 3, 10, 12, 0))

# name: (days since the last order, orders, lifetime value) -> by hand (R, F, M, group).
# 10 customers with an order: 2 per fifth. Recency, oldest first: J I | H G | F E | D C | B A.
# Value, lowest first: J C | F I | E D | G B | H A. Frequency: 1, 2, 3–4, 5–9, 10+ → 1..5.
CUSTOMERS = {
    "A": ((2, 12, "5000"), (5, 5, 5, "champions")),
    "B": ((5, 6, "3000"), (5, 4, 4, "champions")),
    "C": ((10, 1, "100"), (4, 1, 1, "new")),
    "D": ((20, 3, "800"), (4, 3, 3, "potential")),
    "E": ((40, 5, "400"), (3, 4, 3, "loyal")),
    "F": ((60, 1, "150"), (3, 1, 2, "hibernating")),
    "G": ((100, 4, "1200"), (2, 3, 4, "at_risk")),
    "H": ((200, 10, "4000"), (2, 5, 5, "cannot_lose")),
    "I": ((300, 2, "200"), (1, 2, 2, "lost")),
    "J": ((400, 1, "50"), (1, 1, 1, "lost")),
}


def _stats(user, days: int, orders: int, value: str, **extra) -> CustomerStats:
    return CustomerStats.objects.create(
        user=user,
        orders_count=orders,
        lifetime_value=Decimal(value),
        last_order_at=NOW - timedelta(days=days) if orders else None,
        first_order_at=NOW - timedelta(days=days + 30) if orders else None,
        **extra,
    )


def test_rfm_groups_match_a_hand_calculation():
    users = {name: UserFactory() for name in CUSTOMERS}
    for name, ((days, orders, value), _expected) in CUSTOMERS.items():
        _stats(users[name], days, orders, value)
    # Never ordered, but carrying last month's scores: cleared, and not in anyone's fifth.
    quiet = _stats(
        UserFactory(), 0, 0, "0", rfm_recency=3, rfm_frequency=1, rfm_monetary=2, rfm_group="new"
    )

    assert rfm_refresh(now=NOW) == 10

    for name, (_figures, (r, f, m, group)) in CUSTOMERS.items():
        stats = CustomerStats.objects.get(user=users[name])
        assert (stats.rfm_recency, stats.rfm_frequency, stats.rfm_monetary) == (r, f, m), name
        assert (stats.rfm_group, stats.rfm_at) == (group, NOW), name
    quiet.refresh_from_db()
    assert (quiet.rfm_group, quiet.rfm_recency, quiet.rfm_at) == ("", None, None)
    lost = {"match": "all", "rules": [{"field": "rfm_group", "values": ["lost"]}]}
    assert segment_count(lost) == 2


def test_a_second_run_gives_the_same_scores_and_a_lapsed_account_loses_its_own():
    users = {name: UserFactory() for name in CUSTOMERS}
    for name, ((days, orders, value), _expected) in CUSTOMERS.items():
        _stats(users[name], days, orders, value)
    rfm_refresh(now=NOW)
    first = list(CustomerStats.objects.order_by("pk").values_list("rfm_recency", "rfm_group"))
    rfm_refresh(now=NOW + timedelta(hours=1))
    assert list(CustomerStats.objects.order_by("pk").values_list("rfm_recency", "rfm_group")) == (
        first
    )
    users["A"].is_active = False
    users["A"].save()
    rfm_refresh(now=NOW)
    assert CustomerStats.objects.get(user=users["A"]).rfm_group == ""


def test_the_table_names_exactly_one_group_for_every_pair():
    pairs = [(r, f) for _group, rs, fs in GROUP_TABLE for r in rs for f in fs]
    assert sorted(pairs) == [(r, f) for r in range(1, 6) for f in range(1, 6)]
    assert rfm_group_of(5, 5) == "champions" and rfm_group_of(1, 1) == "lost"
    bins = {orders: frequency_score(orders) for orders in (1, 2, 3, 4, 5, 9, 10, 40)}
    assert bins == {1: 1, 2: 2, 3: 3, 4: 3, 5: 4, 9: 4, 10: 5, 40: 5}


def test_the_nightly_job_refreshes_the_figures_then_scores():
    VariantFactory()
    seeded = seed_orders(orders=40, customers=6, seed=3)
    CustomerStats.objects.update(orders_count=0, rfm_group="")  # stale figures
    assert PERIODIC_JOBS["rfm-refresh"] == ("crm.refresh_rfm", "CRM_RFM_EVERY_SECONDS")
    scored = refresh_rfm.delay().get()
    ordered = CustomerStats.objects.filter(orders_count__gt=0)
    assert scored == ordered.count() > 0
    assert not ordered.filter(rfm_group="").exists()
    assert seeded.customers == 6


def test_the_12_month_spend_is_the_loyalty_tiers_measure_and_the_tier_rule_follows_it():
    VariantFactory()
    LoyaltyTier.objects.all().delete()
    bronze = LoyaltyTier.objects.create(name="Bronz", min_spend=Decimal("0"))
    silver = LoyaltyTier.objects.create(name="Gümüş", min_spend=Decimal("1500"))
    gold = LoyaltyTier.objects.create(name="Altın", min_spend=Decimal("4000"))
    with time_machine.travel(NOW, tick=False):
        seed_orders(orders=120, customers=12, seed=7)
        customer_stats_refresh()
        customers = list(CustomerStats.objects.values_list("user_id", "spend_12m"))
        for user_id, spend in customers:
            assert spend == customer_spend_12m(user_id=user_id), user_id
        assert len({spend for _user, spend in customers}) > 3  # the data spreads over tiers

        tiers_of = {user_id: loyalty_tier(user_id=user_id) for user_id, _spend in customers}
        for tier in (bronze, silver, gold):
            expected = {user for user, held in tiers_of.items() if held == tier}
            rules = {"match": "all", "rules": [{"field": "loyalty_tier", "tiers": [tier.pk]}]}
            assert set(segment_queryset(rules).values_list("pk", flat=True)) == expected, tier


def test_the_360_shows_the_rfm_group_with_its_scores_and_what_it_means(client):
    customer = UserFactory()
    _stats(customer, 3, 6, "2500", rfm_recency=5, rfm_frequency=4, rfm_monetary=3)
    CustomerStats.objects.filter(user=customer).update(rfm_group="champions")
    client.force_login(StaffFactory())
    page = client.get(reverse("admin:crm_customer360", args=[customer.pk])).content.decode()
    assert "Şampiyonlar" in page and "R 5 · F 4 · M 3" in page
    assert "RFM grubu ne anlama gelir" in page
