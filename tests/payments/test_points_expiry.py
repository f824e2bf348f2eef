"""Points expire in lots: each credit's unspent remainder is written off on its day (once), and
the customer is reminded once before (a marketing message: consent applies)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from crm.notifications.models import Channel, Consent, Message
from crm.notifications.services import consent_set
from payments.models import PointsEntry
from payments.services.points import points_adjust, points_balance, points_summary
from payments.tasks import expire_points
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

START = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def valid_days(settings):
    settings.LOYALTY_POINTS_VALID_DAYS = 365
    settings.LOYALTY_EXPIRY_REMINDER_DAYS = 14


def test_each_lot_expires_on_its_day_leaving_later_lots_and_the_reminder_goes_once(valid_days):
    customer, staff = UserFactory(), StaffFactory()
    consent_set(user=customer, channel=Channel.EMAIL, granted=True, source=Consent.Source.SIGNUP)
    with time_machine.travel(START, tick=False):
        first = points_adjust(user=customer, points=100, reason="Welcome", actor=staff)
    with time_machine.travel(START + timedelta(days=30), tick=False):
        points_adjust(user=customer, points=50, reason="Birthday", actor=staff)
        # a debit takes from the oldest lot first
        points_adjust(user=customer, points=-30, reason="Correction", actor=staff)
    expiry = first.expires_at
    assert expiry == START + timedelta(days=365)

    with time_machine.travel(expiry - timedelta(days=15), tick=False):
        expire_points()
        assert not Message.objects.filter(kind="points_expiring").exists()
    with time_machine.travel(expiry - timedelta(days=13), tick=False):
        expire_points()
        expire_points()
        reminder = Message.objects.get(kind="points_expiring")
        assert reminder.recipient == customer.email and reminder.status != "suppressed"
        assert "70" in reminder.body_text
        assert points_summary(user_id=customer.pk).next_expiry_points == 70

    with time_machine.travel(expiry - timedelta(seconds=1), tick=False):
        expire_points()
        assert points_balance(user_id=customer.pk) == 120
    with time_machine.travel(expiry, tick=False):
        assert points_balance(user_id=customer.pk) == 50  # not spendable from this moment
        expire_points()
        expire_points()
        expired = PointsEntry.objects.get(kind=PointsEntry.Kind.EXPIRED)
        assert expired.points == -70 and expired.key == f"expire:lot-{first.pk}"
        assert points_balance(user_id=customer.pk) == 50
    assert Message.objects.filter(kind="points_expiring").count() == 1
    total = sum(PointsEntry.objects.values_list("points", flat=True))
    assert total == 50  # the ledger's sum is the balance once expired lots are written off


def test_the_reminder_follows_marketing_rules_without_consent(valid_days):
    customer = UserFactory()
    with time_machine.travel(START, tick=False):
        points_adjust(user=customer, points=100, reason="Welcome", actor=StaffFactory())
    with time_machine.travel(START + timedelta(days=360), tick=False):
        expire_points()
    reminder = Message.objects.get(kind="points_expiring")
    assert reminder.status == "suppressed"
