"""The campaign report on a fixed data set, against a hand calculation (docs/campaigns.md):

sent group 40 members, 8 converted within the window (8 orders of 100.00, one refunded 50.00:
net 750.00); holdout 10 members, 1 converted (100.00). Outside the counts: an order on day 8,
a cancelled order and one still awaiting payment.

    uplift   = 8/40 - 1/10 = 0.2 - 0.1 = 0.1
    SE       = √(0.2·0.8/40 + 0.1·0.9/10) = √(0.004 + 0.009) = √0.013 = 0.1140175…
    95 % CI  = 0.1 ± 1.96 · 0.1140175 = (-0.1234744, 0.3234744) — holdout < 30: too small
    incremental revenue = (750/40 - 100/10) · 40 = (18.75 - 10) · 40 = 350.00
    ROI      = (350 - 200) / 200 = 0.75
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from crm.campaigns.report import GroupFigures, campaign_report, uplift_interval
from crm.campaigns.states import CampaignStatus, RecipientGroup, RecipientOutcome
from crm.models import CampaignRecipient
from payments.models import Payment, PaymentEvent
from tests.factories import OrderFactory, UserFactory

from .helpers import draft_campaign

pytestmark = pytest.mark.django_db


def paid_order(user, *, placed_at, amount="100.00", status="confirmed", refunded=None, **fields):
    order = OrderFactory(
        user=user, placed_at=placed_at, status=status, total=Decimal(amount), **fields
    )
    payment = Payment.objects.create(
        order=order, method="cod", amount=Decimal(amount), status="paid"
    )
    PaymentEvent.objects.create(
        payment=payment,
        kind="capture",
        amount=Decimal(amount),
        currency="TRY",
        idempotency_key=f"cap-{order.pk}",
    )
    if refunded:
        PaymentEvent.objects.create(
            payment=payment,
            kind="refund",
            amount=Decimal(refunded),
            currency="TRY",
            idempotency_key=f"ref-{order.pk}",
        )
    return order


@pytest.fixture
def measured():
    start = timezone.now() - timedelta(days=10)
    campaign = draft_campaign(cost=Decimal("200.00"), window_days=7)
    campaign.status, campaign.started_at, campaign.sent_count = CampaignStatus.SENT, start, 40
    campaign.save()
    sent = [UserFactory(email=f"gonderilen{n}@example.com") for n in range(40)]
    held = [UserFactory(email=f"ayrilan{n}@example.com") for n in range(10)]
    for users, group, outcome in (
        (sent, RecipientGroup.SENT, RecipientOutcome.QUEUED),
        (held, RecipientGroup.HOLDOUT, RecipientOutcome.HELD_OUT),
    ):
        CampaignRecipient.objects.bulk_create(
            CampaignRecipient(campaign=campaign, user=user, group=group, outcome=outcome)
            for user in users
        )
    # Three of the eight came through its link (clicked first, the session carried it).
    for n, user in enumerate(sent[:8]):
        placed = start + timedelta(days=1 + n % 5)
        ref = ""
        if n < 3:
            CampaignRecipient.objects.filter(campaign=campaign, user=user).update(
                first_clicked_at=placed - timedelta(hours=1), click_count=2
            )
            ref = campaign.source_ref
        paid_order(user, placed_at=placed, refunded="50.00" if n == 0 else None, source_ref=ref)
    paid_order(held[0], placed_at=start + timedelta(days=2))
    paid_order(sent[10], placed_at=start + timedelta(days=8))  # after the window
    paid_order(sent[11], placed_at=start + timedelta(days=1), status="cancelled")
    paid_order(sent[12], placed_at=start + timedelta(days=1), status="pending_payment")
    return campaign


def test_uplift_interval_incremental_revenue_and_roi_match_the_hand_calculation(measured):
    report = campaign_report(measured)
    assert (report.sent.members, report.sent.converted) == (40, 8)
    assert (report.holdout.members, report.holdout.converted) == (10, 1)
    assert report.sent.revenue == Decimal("750.00") and report.holdout.revenue == Decimal("100.00")
    assert report.uplift.difference == Decimal("0.1")
    assert abs(report.uplift.low - Decimal("-0.1234744")) < Decimal("0.0000001")
    assert abs(report.uplift.high - Decimal("0.3234744")) < Decimal("0.0000001")
    assert report.uplift.too_small
    assert report.incremental_revenue == Decimal("350.00")
    assert report.roi == Decimal("0.75")
    # Attributed: the three orders that came through a click, net of the refund.
    assert report.conversions == 3 and report.revenue == Decimal("250.00")
    assert (report.clicked, report.clicks, report.reach) == (3, 6, 40)


def test_large_enough_groups_are_not_flagged():
    sent = GroupFigures(members=1000, converted=120, revenue=Decimal("0"))
    held = GroupFigures(members=100, converted=6, revenue=Decimal("0"))
    uplift = uplift_interval(sent, held)
    assert uplift.difference == Decimal("0.06")
    # √(0.12·0.88/1000 + 0.06·0.94/100) = √(0.0001056 + 0.000564) = √0.0006696 = 0.0258766…
    assert abs(uplift.high - uplift.difference - Decimal("1.96") * Decimal("0.0258766")) < Decimal(
        "0.000001"
    )
    assert not uplift.too_small
    assert uplift_interval(sent, GroupFigures(0, 0, Decimal("0"))).difference is None


def test_the_report_page_shows_the_figures_in_turkish(
    measured, admin_client, django_assert_max_num_queries
):
    from django.urls import reverse

    with django_assert_max_num_queries(20):
        response = admin_client.get(reverse("admin:crm_campaign_report", args=[measured.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "+10,0 puan" in page
    assert "350,00" in page and "%75,0" in page
    assert "güvenilir" in page  # the groups are too small for a reliable interval
