"""A campaign sent by the real Celery worker, its task delivered twice (a retry, or two
workers): every customer gets one message, and the holdout none."""

import pytest
from django.core import mail
from django.db import transaction

from crm.campaigns.selectors import in_holdout
from crm.campaigns.services import campaign_schedule
from crm.campaigns.states import CampaignStatus, RecipientGroup
from crm.models import Campaign, CampaignRecipient
from crm.notifications.models import Consent, Message, Status
from crm.notifications.services import consent_set
from shop.background import enqueue_on_commit
from tests.conftest import wait_until
from tests.factories import StaffFactory, UserFactory

from .helpers import consenting_customers, draft_campaign


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_campaign_sent_twice_by_the_worker_sends_each_customer_one_message(
    settings, celery_worker
):
    settings.NOTIFICATIONS_QUIET_HOURS = (3, 3)  # never quiet: the messages go at once
    settings.CAMPAIGN_BATCH_SIZE = 4
    settings.CAMPAIGN_BATCHES_PER_TASK = 2  # the rest goes on in a fresh task
    customers = consenting_customers(20)
    campaign = draft_campaign(holdout_percent=20)
    # The split is a hash of the ids, which vary from run to run: make sure someone is held out
    # (20 people all land in the sent group about once in 90 runs).
    while not any(in_holdout(campaign_id=campaign.pk, user_id=c.pk, percent=20) for c in customers):
        extra = UserFactory(email=f"ekstra{len(customers)}@example.com")
        consent_set(user=extra, channel="email", granted=True, source=Consent.Source.SIGNUP)
        customers.append(extra)
    with transaction.atomic():
        campaign_schedule(campaign=campaign, staff=StaffFactory(), now=True)
        enqueue_on_commit("crm.campaign_send", campaign.pk)  # delivered a second time
    assert wait_until(
        lambda: Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.SENT, timeout=15
    )
    campaign.refresh_from_db()
    to_send = campaign.audience_count - campaign.holdout_count
    assert campaign.audience_count == len(customers) and campaign.sent_count == to_send
    sent = Message.objects.filter(kind="campaign", subject_id=str(campaign.pk))
    assert wait_until(lambda: sent.filter(status=Status.SENT).count() == to_send, timeout=15)
    assert sent.values("user").distinct().count() == sent.count() == to_send
    subjects = [m for m in mail.outbox if m.subject.endswith("kış indirimi başladı")]
    assert len(subjects) == to_send
    held = CampaignRecipient.objects.filter(campaign=campaign, group=RecipientGroup.HOLDOUT)
    held_emails = {c.email for c in customers if held.filter(user=c).exists()}
    assert held_emails and not {m.to[0] for m in subjects} & held_emails
