"""Sending a campaign: the preview's count is what goes out (plus the holdout), a retry or a
second worker sends nothing twice, a personal coupon is made once per recipient, a cancelled
campaign sends nothing, and each message carries the recipient's own words and link."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from crm.campaigns.exceptions import CampaignRefused
from crm.campaigns.selectors import campaign_preview, in_holdout
from crm.campaigns.sending import campaign_batch_send, campaign_start
from crm.campaigns.services import campaign_cancel, campaign_schedule, campaigns_due
from crm.campaigns.states import CampaignStatus, CouponMode, RecipientGroup
from crm.campaigns.texts import register_campaign_placeholder, unregister_campaign_placeholder
from crm.models import Campaign, CampaignRecipient
from crm.notifications.models import Channel, Consent, Message, Status, Suppression
from crm.notifications.services import consent_set
from orders.models import Coupon
from tests.factories import StaffFactory, UserFactory

from .helpers import consent_segment, consenting_customers, draft_campaign, run_send, send_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def audience(settings):
    """40 customers who said yes to email; 3 who did not; one suppressed; one at the cap."""
    settings.NOTIFICATIONS_MARKETING_WEEKLY_CAP = 1
    settings.NOTIFICATIONS_QUIET_HOURS = (22, 9)
    people = consenting_customers(40)
    for n in range(3):
        UserFactory(email=f"izinsiz{n}@example.com")
    Suppression.objects.create(channel=Channel.EMAIL, address=people[0].email, reason="bounce")
    Message.objects.create(
        kind="promotion",
        channel=Channel.EMAIL,
        category="marketing",
        user=people[1],
        recipient=people[1].email,
        language="tr",
        body_text="x",
        status=Status.SENT,
    )
    return people


def test_the_preview_counts_what_is_then_sent_and_held_out(audience):
    campaign = draft_campaign(holdout_percent=20)
    preview = campaign_preview(campaign)
    assert preview.audience == 38  # 40 minus the suppressed one and the one at the cap
    expected_holdout = sum(
        in_holdout(campaign_id=campaign.pk, user_id=user.pk, percent=20) for user in audience[2:]
    )
    assert preview.holdout == expected_holdout and 0 < expected_holdout < 38
    assert preview.to_send == 38 - expected_holdout

    campaign = send_now(campaign)
    assert campaign.status == CampaignStatus.SENT
    assert campaign.sent_count == preview.to_send
    assert campaign.holdout_count == preview.holdout
    assert campaign.skipped_count == campaign.failed_count == 0
    sent = Message.objects.filter(kind="campaign", subject_id=str(campaign.pk))
    assert sent.count() == preview.to_send
    held = CampaignRecipient.objects.filter(campaign=campaign, group=RecipientGroup.HOLDOUT)
    assert not sent.filter(user__in=held.values("user")).exists()


def test_quiet_hours_in_the_preview_are_the_messages_held_until_morning(audience, time_machine):
    # Half past eleven tonight: the cap message of the fixture is still this week's.
    time_machine.move_to(timezone.localtime().replace(hour=23, minute=30))
    campaign = draft_campaign(holdout_percent=0, send_at=timezone.now())
    preview = campaign_preview(campaign)
    assert preview.deferred == preview.to_send == 38
    send_now(campaign)
    assert Message.objects.filter(kind="campaign", status=Status.DEFERRED).count() == 38


def test_each_message_speaks_the_recipients_language_and_carries_their_link(audience):
    english = audience[5]
    english.language, english.first_name = "en", "Jane"
    english.save()
    campaign = send_now(draft_campaign(holdout_percent=0))
    message = Message.objects.get(kind="campaign", user=english)
    assert message.subject_line == "Jane, the winter sale is on"
    assert "/go/" in message.body_text and str(campaign.pk) in message.body_text
    turkish = Message.objects.get(kind="campaign", user=audience[6])
    assert turkish.subject_line == "Ayşe, kış indirimi başladı"
    assert turkish.body_text != message.body_text


def test_a_retried_batch_and_a_second_worker_send_nothing_twice(audience):
    campaign = draft_campaign(holdout_percent=10)
    campaign_schedule(campaign=campaign, staff=StaffFactory(), now=True)
    campaign_start(campaign_id=campaign.pk)
    assert campaign_batch_send(campaign_id=campaign.pk, size=10) == 10
    # The task is delivered again (acks_late after a worker died): it starts over.
    run_send(campaign.pk, size=7)
    run_send(campaign.pk, size=7)
    campaign.refresh_from_db()
    messages = Message.objects.filter(kind="campaign", subject_id=str(campaign.pk))
    assert (
        messages.count() == campaign.sent_count == campaign.audience_count - campaign.holdout_count
    )
    assert messages.values("user").distinct().count() == messages.count()
    # Recipient rows were written once: a second start adds none.
    assert CampaignRecipient.objects.filter(campaign=campaign).count() == campaign.audience_count


def test_someone_who_withdraws_consent_during_the_send_is_skipped(audience):
    campaign = draft_campaign(holdout_percent=0)
    campaign_schedule(campaign=campaign, staff=StaffFactory(), now=True)
    campaign_start(campaign_id=campaign.pk)
    consent_set(
        user=audience[-1], channel=Channel.EMAIL, granted=False, source=Consent.Source.PROFILE
    )
    run_send(campaign.pk)
    campaign.refresh_from_db()
    assert campaign.skipped_count == 1 and campaign.sent_count == 37
    assert not Message.objects.filter(kind="campaign", user=audience[-1]).exists()


def test_a_personal_coupon_is_made_once_per_recipient(audience):
    campaign = draft_campaign(
        holdout_percent=0,
        coupon_mode=CouponMode.PERSONAL,
        personal_kind="percent",
        personal_value=Decimal("15"),
        personal_valid_days=10,
        body_tr="{first_name}, {coupon_code} ile {coupon_value} indirim, son gün {coupon_expiry}.",
        body_en="Hello {first_name}, {coupon_code} takes off {coupon_value} until {coupon_expiry}.",
    )
    campaign_schedule(campaign=campaign, staff=StaffFactory(), now=True)
    run_send(campaign.pk)
    CampaignRecipient.objects.filter(campaign=campaign).update(outcome="pending")  # as if lost
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.SENDING)
    run_send(campaign.pk)
    coupons = Coupon.objects.filter(issue_key__startswith=f"campaign:{campaign.pk}:")
    assert coupons.count() == 38
    assert coupons.values("user").distinct().count() == 38
    coupon = coupons.get(user=audience[3])
    message = Message.objects.get(kind="campaign", user=audience[3])
    assert coupon.code in message.body_text and "%15" in message.body_text
    assert Message.objects.filter(kind="campaign").count() == 38


def test_a_cancelled_campaign_sends_nothing_even_when_its_job_runs(audience):
    staff = StaffFactory()
    campaign = draft_campaign(send_at=timezone.now() - timedelta(minutes=1))
    campaign_schedule(campaign=campaign, staff=staff)
    campaign_cancel(campaign=campaign, staff=staff)
    run_send(campaign.pk)
    assert campaigns_due() == []
    assert not Message.objects.filter(kind="campaign").exists()
    with pytest.raises(CampaignRefused):
        campaign_schedule(campaign=campaign, staff=staff, now=True)


def test_the_due_job_starts_scheduled_campaigns_whose_time_has_come(
    audience, django_capture_on_commit_callbacks, time_machine
):
    staff = StaffFactory()
    due = draft_campaign(name="Şimdi", send_at=timezone.now() + timedelta(minutes=5))
    later = draft_campaign(
        name="Yarın", segment=due.segment, send_at=timezone.now() + timedelta(days=1)
    )
    campaign_schedule(campaign=due, staff=staff)
    campaign_schedule(campaign=later, staff=staff)
    time_machine.move_to(timezone.now() + timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        assert campaigns_due() == [due.pk]
    assert Campaign.objects.get(pk=due.pk).status == CampaignStatus.SENT
    assert Campaign.objects.get(pk=later.pk).status == CampaignStatus.SCHEDULED


def test_a_draft_with_an_unknown_placeholder_or_a_foreign_landing_page_cannot_be_scheduled(
    audience,
):
    staff = StaffFactory()
    for fields in ({"body_tr": "Merhaba {user.password}"}, {"landing_path": "//evil.com/"}):
        campaign = draft_campaign(**fields)
        with pytest.raises(CampaignRefused):
            campaign_schedule(campaign=campaign, staff=staff, now=True)
        assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.DRAFT


def test_a_registered_placeholder_is_computed_for_each_recipient(audience):
    register_campaign_placeholder("picked_for_you", lambda user, language: f"{language}:{user.pk}")
    try:
        campaign = send_now(
            draft_campaign(holdout_percent=0, body_tr="Sizin için: {picked_for_you}")
        )
    finally:
        unregister_campaign_placeholder("picked_for_you")
    message = Message.objects.get(kind="campaign", user=audience[4], subject_id=str(campaign.pk))
    assert f"Sizin için: tr:{audience[4].pk}" in message.body_text


def test_an_sms_campaign_reaches_those_who_consented_to_sms(settings):
    people = consenting_customers(3, channel=Channel.SMS)
    campaign = send_now(
        draft_campaign(
            segment=consent_segment("SMS", Channel.SMS), channel=Channel.SMS, holdout_percent=0
        )
    )
    assert campaign.sent_count == 3
    message = Message.objects.get(kind="campaign", user=people[0])
    assert message.channel == Channel.SMS and "/go/" in message.body_text
    assert message.body_text.count("/go/") == 1  # the {link} in the text, not twice


def test_a_scheduled_campaign_can_be_sent_now(audience):
    staff = StaffFactory()
    campaign = draft_campaign(holdout_percent=0)
    campaign_schedule(campaign=campaign, staff=staff)
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.SCHEDULED
    campaign_schedule(campaign=campaign, staff=staff, now=True)
    run_send(campaign.pk)
    assert Campaign.objects.get(pk=campaign.pk).sent_count == 38
