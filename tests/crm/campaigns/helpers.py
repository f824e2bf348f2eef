"""Campaign fixtures: customers who consented, a segment of them, a ready campaign."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from crm.campaigns.sending import campaign_batch_send, campaign_finish, campaign_start
from crm.campaigns.services import campaign_schedule
from crm.models import Campaign, Segment
from crm.notifications.models import Channel, Consent
from crm.notifications.services import consent_set
from crm.segments.rules import rules_clean
from tests.factories import StaffFactory, UserFactory


def consenting_customers(count: int, *, channel: str = Channel.EMAIL, **fields) -> list:
    people = []
    for n in range(count):
        user = UserFactory(email=f"musteri{n}-{id(people)}@example.com", **fields)
        consent_set(user=user, channel=channel, granted=True, source=Consent.Source.SIGNUP)
        people.append(user)
    return people


def consent_segment(name: str = "E-posta izni verenler", channel: str = Channel.EMAIL) -> Segment:
    existing = Segment.objects.filter(name=name).first()
    if existing is not None:
        return existing
    return Segment.objects.create(
        name=name,
        rules=rules_clean({"match": "all", "rules": [{"field": "consent", "channel": channel}]}),
    )


def draft_campaign(segment: Segment | None = None, **fields) -> Campaign:
    values = {
        "name": "Kış indirimi",
        "segment": segment or consent_segment(),
        "channel": Channel.EMAIL,
        "subject_tr": "{first_name}, kış indirimi başladı",
        "body_tr": "Merhaba {first_name},\n\nİndirimleri görün: {link}",
        "subject_en": "{first_name}, the winter sale is on",
        "body_en": "Hello {first_name},\n\nSee the offers: {link}",
        "sms_tr": "{site_name}: kış indirimi başladı {link}",
        "sms_en": "{site_name}: the winter sale is on {link}",
        "landing_path": "/",
        "holdout_percent": 10,
        "window_days": 7,
        "cost": Decimal("0.00"),
        "send_at": timezone.now() + timedelta(hours=1),
    }
    return Campaign.objects.create(**(values | fields))


def send_now(campaign: Campaign, staff=None) -> Campaign:
    """Schedule for now and run the send task's steps in this process."""
    campaign_schedule(campaign=campaign, staff=staff or StaffFactory(), now=True)
    run_send(campaign.pk)
    return Campaign.objects.get(pk=campaign.pk)


def run_send(campaign_id: int, size: int = 500) -> None:
    if campaign_start(campaign_id=campaign_id) is None:
        return
    while campaign_batch_send(campaign_id=campaign_id, size=size):
        pass
    campaign_finish(campaign_id=campaign_id)
