"""Segment counts (one SQL condition, crm/segments/rules.py) against a brute-force count in Python
over generated customers, for random rule sets with nested groups; the boundaries (birthdays,
29 February, whole days since the last order, sign-up days in Istanbul time); query pins."""

import math
import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Category
from crm.analytics import forecast
from crm.bulk_orders import seed_orders
from crm.models import CustomerProfile, CustomerStats
from crm.models.profile import Gender
from crm.models.stats import RfmGroup
from crm.notifications.models import ConsentCurrent
from crm.segments.rules import FIELDS, rules_clean, segment_queryset
from crm.segments.selectors import segment_count
from orders.models import OrderLine
from orders.states import OrderStatus
from payments.models import LoyaltyTier
from shop.models import User
from tests.factories import StaffFactory, UserFactory, VariantFactory, make_category

pytestmark = pytest.mark.django_db

ZONE = timezone.get_default_timezone()
NOW = datetime(2028, 2, 29, 10, 30, tzinfo=ZONE)  # a leap day, mid-morning in Istanbul
CITIES = ["34", "06", "35", "16"]
CHANNELS = ["email", "sms", "phone"]
SPENDS = ["0", "99.99", "100", "500", "1499.99", "1500", "2500", "4000", "9000"]


@pytest.fixture
def world() -> dict:
    """~60 customers with every figure a rule reads, spread over the boundaries."""
    rng = random.Random(31)
    rhythm_rng = random.Random(32)  # its own stream: the figures above stay as they were
    home = make_category("Ev")
    kitchen = make_category("Mutfak", parent=home)
    garden = make_category("Bahçe")
    for category in (home, kitchen, kitchen, garden):
        VariantFactory(product__category=category)
    tiers = [
        LoyaltyTier.objects.create(name=name, min_spend=Decimal(spend))
        for name, spend in (("Bronz", "100"), ("Gümüş", "1500"), ("Altın", "4000"))
    ]
    users = [UserFactory(is_active=n % 17 != 5) for n in range(60)]
    StaffFactory()
    seed_orders(orders=150, customers=0, customer_ids=[u.pk for u in users[:45]], seed=9)
    group_values = [*RfmGroup.values, ""]
    for n, user in enumerate(users):
        joined = NOW - timedelta(days=rng.randint(0, 900), minutes=rng.randint(0, 1440))
        User.objects.filter(pk=user.pk).update(date_joined=joined)
        if n % 7:
            born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 20000))
            CustomerProfile.objects.update_or_create(
                user=user,
                defaults={
                    "birth_date": born if n % 5 else None,
                    "gender": rng.choice([*Gender.values, ""]),
                    "city": rng.choice([*CITIES, ""]),
                },
            )
        orders = rng.choice([0, 1, 1, 2, 3, 5, 10])
        CustomerStats.objects.update_or_create(
            user=user,
            defaults={
                "orders_count": orders,
                "lifetime_value": Decimal(rng.choice(SPENDS)),
                "spend_12m": Decimal(rng.choice(SPENDS)),
                "last_order_at": NOW - timedelta(hours=rng.randint(0, 24 * 400))
                if orders
                else None,
                "rfm_group": rng.choice(group_values),
            },
        )
        _spread_first_orders(user, rhythm_rng)
        for channel in CHANNELS:
            if rng.random() < 0.6:
                ConsentCurrent.objects.create(
                    user=user, channel=channel, granted=rng.random() < 0.7, source="signup"
                )
    return {"categories": [home, kitchen, garden], "tiers": tiers}


def _spread_first_orders(user: User, rng: random.Random) -> None:
    """First orders for the churn risk: the last order's for one order, up to two years before
    for more, and now and then none at all (the shop's typical gap stands in)."""
    stats = CustomerStats.objects.get(user=user)
    if stats.last_order_at is None:
        return
    first = stats.last_order_at
    if stats.orders_count >= 2 and rng.random() < 0.9:
        first -= timedelta(hours=rng.randint(0, 24 * 700), seconds=rng.randint(0, 3599))
    elif stats.orders_count >= 2:
        first = None
    CustomerStats.objects.filter(user=user).update(first_order_at=first)


def _random_rule(rng: random.Random, world: dict) -> dict:
    field = rng.choice(FIELDS)

    def bounds(values: list) -> dict:
        low, high = rng.choice([None, *values]), rng.choice([None, *values])
        if low is None and high is None:
            low = values[0]
        if low is not None and high is not None and Decimal(str(low)) > Decimal(str(high)):
            low, high = high, low
        return {"min": low, "max": high}

    if field == "age":
        return {"field": field, **bounds([18, 25, 30, 40, 55, 70])}
    if field == "total_spend":
        return {"field": field, **bounds(["100", "500", "1500.00", "4000"])}
    if field == "orders_count":
        return {"field": field, **bounds([0, 1, 2, 3, 5, 10])}
    if field == "days_since_last_order":
        return {"field": field, **bounds([0, 1, 7, 30, 90, 365])}
    if field == "churn_risk":
        return {"field": field, **bounds(["0.25", "0.5", "1", "1.5", "2", "3.75"])}
    if field == "gender":
        return {"field": field, "values": rng.sample(Gender.values, rng.randint(1, 2))}
    if field == "city":
        return {"field": field, "values": rng.sample(CITIES, rng.randint(1, 3))}
    if field == "rfm_group":
        return {"field": field, "values": rng.sample(RfmGroup.values, rng.randint(1, 3))}
    if field == "loyalty_tier":
        tiers = rng.sample(world["tiers"], rng.randint(1, 2))
        return {"field": field, "tiers": [tier.pk for tier in tiers]}
    if field == "bought_in_category":
        return {"field": field, "category": rng.choice(world["categories"]).pk}
    if field == "consent":
        return {"field": field, "channel": rng.choice(CHANNELS)}
    days = sorted(str((NOW - timedelta(days=rng.randint(0, 900))).date()) for _ in range(2))
    after, before = rng.choice([(days[0], None), (None, days[1]), tuple(days)])
    return {"field": field, "after": after, "before": before}


def _random_group(rng: random.Random, world: dict, depth: int = 1) -> dict:
    items = []
    for _ in range(rng.randint(1, 3)):
        if depth < 3 and rng.random() < 0.35:
            items.append(_random_group(rng, world, depth + 1))
        else:
            items.append(_random_rule(rng, world))
    return {"match": rng.choice(["all", "any"]), "rules": items}


# --- the brute force: every customer loaded, each rule checked in plain Python ----------------


def _facts() -> list[dict]:
    profiles = {p.user_id: p for p in CustomerProfile.objects.all()}
    stats = {s.user_id: s for s in CustomerStats.objects.all()}
    granted = set(ConsentCurrent.objects.filter(granted=True).values_list("user_id", "channel"))
    bought: dict[int, set[str]] = {}
    lines = OrderLine.objects.exclude(
        order__status__in=[OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED]
    ).values_list("order__user_id", "product__category__path")
    for user_id, path in lines:
        bought.setdefault(user_id, set()).add(path)
    return [
        {
            "pk": user.pk,
            "joined": timezone.localtime(user.date_joined, ZONE).date(),
            "profile": profiles.get(user.pk),
            "stats": stats.get(user.pk),
            "consents": {channel for uid, channel in granted if uid == user.pk},
            "bought": bought.get(user.pk, set()),
        }
        for user in User.objects.filter(is_active=True, is_staff=False)
    ]


def _epoch(moment: datetime) -> int:
    return math.floor(moment.timestamp())


def _typical_gap(facts: list[dict]) -> int:
    gaps = []
    for fact in facts:
        stats = fact["stats"]
        if stats and stats.orders_count >= 2 and stats.first_order_at and stats.last_order_at:
            span = _epoch(stats.last_order_at) - _epoch(stats.first_order_at)
            gaps.append(
                forecast.gap_seconds(
                    orders=stats.orders_count, span_seconds=span, typical_gap_seconds=0
                )
            )
    found = forecast.median(gaps)
    return 365 * 86400 if found is None else forecast.whole_seconds(found)


def _risk(stats: CustomerStats | None, typical: int) -> Decimal | None:
    if stats is None or not stats.orders_count or stats.last_order_at is None:
        return None
    first = stats.first_order_at
    return forecast.churn_risk(
        elapsed_seconds=_epoch(NOW) - _epoch(stats.last_order_at),
        orders=stats.orders_count,
        span_seconds=_epoch(stats.last_order_at) - _epoch(first) if first else None,
        typical_gap_seconds=typical,
    )


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _within(value, rule: dict) -> bool:
    if value is None:
        return False
    low, high = rule.get("min"), rule.get("max")
    return (low is None or value >= Decimal(str(low))) and (
        high is None or value <= Decimal(str(high))
    )


def _tier_of(spend: Decimal, tiers: list[LoyaltyTier]) -> int | None:
    reached = [tier for tier in tiers if tier.min_spend <= spend]
    return max(reached, key=lambda tier: tier.min_spend).pk if reached else None


def _matches(fact: dict, rule: dict, tiers: list[LoyaltyTier]) -> bool:
    if "match" in rule:
        results = [_matches(fact, item, tiers) for item in rule["rules"]]
        return all(results) if rule["match"] == "all" else any(results)
    profile, stats, field = fact["profile"], fact["stats"], rule["field"]
    today = timezone.localdate(NOW, ZONE)
    if field == "age":
        born = profile.birth_date if profile else None
        return born is not None and _within(_age(born, today), rule)
    if field in ("gender", "city"):
        return profile is not None and getattr(profile, field) in rule["values"]
    if field == "total_spend":
        return stats is not None and _within(stats.lifetime_value, rule)
    if field == "orders_count":
        return stats is not None and _within(stats.orders_count, rule)
    if field == "days_since_last_order":
        last = stats.last_order_at if stats else None
        return last is not None and _within((NOW - last).days, rule)
    if field == "churn_risk":
        return _within(_risk(stats, fact["typical_gap"]), rule)
    if field == "rfm_group":
        return stats is not None and stats.rfm_group in rule["values"]
    if field == "loyalty_tier":
        return stats is not None and _tier_of(stats.spend_12m, tiers) in rule["tiers"]
    if field == "consent":
        return rule["channel"] in fact["consents"]
    if field == "bought_in_category":
        path = Category.objects.get(pk=rule["category"]).path
        return any(bought.startswith(path) for bought in fact["bought"])
    after, before = rule["after"], rule["before"]
    joined = fact["joined"]
    return (after is None or joined >= date.fromisoformat(after)) and (
        before is None or joined <= date.fromisoformat(before)
    )


def test_counts_equal_a_brute_force_count_for_20_random_rule_sets(world):
    rng = random.Random(2031)
    facts = _facts()
    typical = _typical_gap(facts)
    for fact in facts:
        fact["typical_gap"] = typical
    tiers = list(LoyaltyTier.objects.all())
    nested = nonzero = 0
    for n in range(20):
        rules = rules_clean(_random_group(rng, world))
        expected = {fact["pk"] for fact in facts if _matches(fact, rules, tiers)}
        got = set(segment_queryset(rules, now=NOW).values_list("pk", flat=True))
        assert got == expected, (n, rules)
        assert segment_count(rules, now=NOW) == len(expected)
        nested += any("match" in item for item in rules["rules"])
        nonzero += 0 < len(expected) < len(facts)
    assert nested >= 4 and nonzero >= 8  # the sets exercise groups and split the customers


def test_churn_risk_counts_equal_a_brute_force_count(world):
    facts = _facts()
    typical = _typical_gap(facts)
    risks = {fact["pk"]: _risk(fact["stats"], typical) for fact in facts}
    assert sum(risk is not None for risk in risks.values()) >= 20
    for low, high in [("1.5", None), (None, "1"), ("0.5", "2"), ("3", None), ("0", None)]:
        rule = {"field": "churn_risk", "min": low, "max": high}
        expected = {pk for pk, risk in risks.items() if _within(risk, rule)}
        assert _member(rule, NOW) == expected, rule
        assert 0 < len(expected) < len(facts), rule  # each bound splits the customers


def test_a_three_rule_count_is_one_query(world, django_assert_num_queries):
    rules = rules_clean(
        {
            "match": "all",
            "rules": [
                {"field": "age", "min": 25, "max": 40},
                {"field": "consent", "channel": "email"},
                {"field": "orders_count", "min": 2},
            ],
        }
    )
    with django_assert_num_queries(1):
        segment_count(rules, now=NOW)


# --- boundaries ---------------------------------------------------------------------------------


def _member(rule: dict, now: datetime) -> set[int]:
    rules = rules_clean({"match": "all", "rules": [rule]})
    return set(segment_queryset(rules, now=now).values_list("pk", flat=True))


def _born(day: date) -> User:
    user = UserFactory()
    CustomerProfile.objects.update_or_create(user=user, defaults={"birth_date": day})
    return user


def test_ages_turn_on_the_birthday_and_29_february_turns_on_1_march():
    today = datetime(2027, 2, 28, 9, 0, tzinfo=ZONE)
    birthday = _born(date(1997, 2, 28))  # 30 today
    tomorrow = _born(date(1997, 3, 1))  # 29 until tomorrow
    leap = _born(date(1996, 2, 29))  # 30; 31 on 1 March in a year without 29 February
    thirty = {"field": "age", "min": 30, "max": 30}
    assert _member(thirty, today) == {birthday.pk, leap.pk}
    assert _member({"field": "age", "max": 29}, today) == {tomorrow.pk}
    assert _member({"field": "age", "min": 31}, today) == set()
    march = datetime(2027, 3, 1, 0, 5, tzinfo=ZONE)  # five past midnight in Istanbul
    assert _member(thirty, march) == {birthday.pk, tomorrow.pk}
    assert _member({"field": "age", "min": 31}, march) == {leap.pk}
    assert _member({"field": "age", "max": 29}, march) == set()
    # In a leap year the 29 February birthday is on the day itself.
    leap_day = datetime(2028, 2, 29, 8, 0, tzinfo=ZONE)
    assert _member({"field": "age", "min": 32, "max": 32}, leap_day) == {leap.pk}
    assert _member({"field": "age", "min": 32}, leap_day - timedelta(days=1)) == set()


def test_days_since_the_last_order_count_whole_days():
    now = datetime(2027, 5, 10, 12, 0, tzinfo=ZONE)
    exactly = UserFactory()
    almost = UserFactory()
    never = UserFactory()
    CustomerStats.objects.create(user=exactly, orders_count=1, last_order_at=now - timedelta(30))
    CustomerStats.objects.create(
        user=almost, orders_count=1, last_order_at=now - timedelta(days=30) + timedelta(seconds=1)
    )
    CustomerStats.objects.create(user=never, orders_count=0)
    assert _member({"field": "days_since_last_order", "min": 30}, now) == {exactly.pk}
    assert _member({"field": "days_since_last_order", "max": 29}, now) == {almost.pk}
    assert _member({"field": "days_since_last_order", "min": 30, "max": 30}, now) == {exactly.pk}
    assert _member({"field": "days_since_last_order", "min": 0}, now) == {exactly.pk, almost.pk}


def test_sign_up_days_are_istanbul_days():
    late = UserFactory()  # 30 June 23:30 in Istanbul is 20:30 UTC the same day
    User.objects.filter(pk=late.pk).update(date_joined=datetime(2026, 6, 30, 23, 30, tzinfo=ZONE))
    early = UserFactory()  # 1 July 00:10 in Istanbul is still 30 June in UTC
    User.objects.filter(pk=early.pk).update(date_joined=datetime(2026, 7, 1, 0, 10, tzinfo=ZONE))
    now = datetime(2026, 8, 1, tzinfo=ZONE)
    assert _member({"field": "signed_up", "before": "2026-06-30"}, now) == {late.pk}
    assert _member({"field": "signed_up", "after": "2026-07-01"}, now) == {early.pk}
    both = {"field": "signed_up", "after": "2026-06-30", "before": "2026-07-01"}
    assert _member(both, now) == {late.pk, early.pk}
