"""The set-based marketing audience is the per-recipient rule of the outbox, in one query: on
generated customers (consent given, withdrawn or never asked; suppressed addresses; marketing
already sent this week or before it; no phone; closed accounts) the two agree, for a kind that
counts toward the weekly cap and for one outside it."""

import random
from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone

from crm.notifications.kinds import get_kind, register_kind
from crm.notifications.models import Category, Channel, Consent, Message, Status, Suppression
from crm.notifications.selectors import marketing_audience
from crm.notifications.services import consent_set
from crm.notifications.services.outbox import _marketing_refusal
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customers(settings):
    """Sixty customers in every combination the rules look at (a fixed seed)."""
    settings.NOTIFICATIONS_MARKETING_WEEKLY_CAP = 2
    pick = random.Random(26)
    now = timezone.now()
    people = []
    for n in range(60):
        user = UserFactory(
            email=f"kisi{n}@example.com",
            phone=pick.choice(["", f"+90532{n:07d}"]),
            is_active=pick.random() > 0.1,
        )
        for channel in (Channel.EMAIL, Channel.SMS):
            choice = pick.choice(["never", "given", "withdrawn"])
            if choice != "never":
                consent_set(user=user, channel=channel, granted=True, source=Consent.Source.SIGNUP)
            if choice == "withdrawn":
                consent_set(
                    user=user, channel=channel, granted=False, source=Consent.Source.PROFILE
                )
        if pick.random() < 0.15:
            Suppression.objects.create(channel=Channel.EMAIL, address=user.email, reason="bounce")
        if user.phone and pick.random() < 0.15:
            Suppression.objects.create(channel=Channel.SMS, address=user.phone, reason="STOP")
        for _ in range(pick.randint(0, 3)):
            Message.objects.create(
                kind=pick.choice(["promotion", "points_expiring"]),
                channel=Channel.EMAIL,
                category=Category.MARKETING,
                user=user,
                recipient=user.email,
                language="tr",
                body_text="x",
                status=pick.choice([Status.SENT, Status.SUPPRESSED, Status.QUEUED]),
                created_at=now - timedelta(days=pick.choice([1, 3, 9])),
            )
        people.append(user)
    return people


def _by_the_rule(people, *, channel: str, kind: str) -> set[int]:
    """Whom `notification_send` would queue (not suppress) for, one recipient at a time."""
    chosen = set()
    for user in people:
        address = user.email if channel == Channel.EMAIL else user.phone
        if not user.is_active or not address:
            continue
        if not _marketing_refusal(user=user, channel=channel, address=address, kind=get_kind(kind)):
            chosen.add(user.pk)
    return chosen


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.SMS])
def test_the_audience_is_the_per_recipient_rule_in_one_query(
    customers, channel, django_assert_num_queries
):
    with django_assert_num_queries(1):
        audience = {user.pk for user in marketing_audience(channel=channel, kind="promotion")}
    assert audience == _by_the_rule(customers, channel=channel, kind="promotion")
    assert 0 < len(audience) < len(customers)  # the data exercises both sides


def test_a_kind_outside_the_cap_reaches_those_the_cap_holds_back(customers):
    capped = {u.pk for u in marketing_audience(channel=Channel.EMAIL, kind="promotion")}
    kept = get_kind("points_expiring")
    register_kind(replace(kept, counts_toward_cap=False))
    try:
        outside = {u.pk for u in marketing_audience(channel=Channel.EMAIL, kind="points_expiring")}
        assert outside == _by_the_rule(customers, channel=Channel.EMAIL, kind="points_expiring")
    finally:
        register_kind(kept)
    assert capped < outside  # the same people, and those over the week's cap too
