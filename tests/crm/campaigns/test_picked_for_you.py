"""The monthly "picked for you" email: a campaign whose text names `{picks}` (the customer's
personal recommendations) and repeats every month, each run with its own recipients."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from crm.campaigns.repeat import campaign_repeat_next, next_month
from crm.campaigns.sending import campaign_finish
from crm.campaigns.services import campaigns_due
from crm.campaigns.states import CampaignStatus
from crm.models import Campaign
from crm.notifications.models import Message
from crm.recommendations.services import bought_together_refresh

from ..recommendation_helpers import order, products
from .helpers import consenting_customers, draft_campaign, run_send, send_now

pytestmark = pytest.mark.django_db
ISTANBUL = ZoneInfo("Europe/Istanbul")


@pytest.fixture
def shop():
    teapot, cups, kettle, rug = products(4)
    for _ in range(3):
        order(teapot, cups)
    order(teapot, kettle)
    order(rug)
    (customer,) = consenting_customers(1, first_name="Elif", language="tr")
    order(teapot, user=customer)
    bought_together_refresh()
    return {"customer": customer, "teapot": teapot, "cups": cups, "kettle": kettle}


def _picked_for_you(**fields) -> Campaign:
    values = {
        "name": "Sizin için seçtiklerimiz",
        "subject_tr": "{first_name}, sizin için seçtiklerimiz",
        "body_tr": "Merhaba {first_name},\n\n{picks}\n\nHepsi: {link}",
        "subject_en": "{first_name}, picked for you",
        "body_en": "Hello {first_name},\n\n{picks}\n\nAll: {link}",
        "holdout_percent": 0,
        "repeats_monthly": True,
    }
    return draft_campaign(**(values | fields))


def test_the_email_names_what_goes_with_her_purchase_not_what_she_bought(shop, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 8, 12, tzinfo=ISTANBUL), tick=False)
    campaign = send_now(_picked_for_you())

    (message,) = Message.objects.filter(user=shop["customer"], kind="campaign")
    picks = message.body_text.split("\n\n")[1].splitlines()
    cups, kettle = shop["cups"], shop["kettle"]
    # Cups went with a teapot three times, the kettle once: in that order, in Turkish.
    assert picks[:2] == [
        f"- {cups.name_tr}: {settings.SITE_URL}/p/{cups.slug_tr}/",
        f"- {kettle.name_tr}: {settings.SITE_URL}/p/{kettle.slug_tr}/",
    ]
    assert shop["teapot"].name_tr not in message.body_text
    assert campaign.status == CampaignStatus.SENT


def test_once_sent_next_months_copy_is_scheduled_once_and_sends_again(shop, time_machine):
    time_machine.move_to(datetime.datetime(2027, 1, 31, 10, tzinfo=ISTANBUL), tick=False)
    first = send_now(_picked_for_you())

    campaign_finish(campaign_id=first.pk)  # a rerun (a retried task) makes no second copy
    campaign_repeat_next(campaign_id=first.pk)
    (copy,) = Campaign.objects.filter(repeat_of=first)
    assert copy.status == CampaignStatus.SCHEDULED and copy.repeats_monthly
    # 31 January → the last day of February, at the same hour in Istanbul.
    assert copy.send_at == datetime.datetime(2027, 2, 28, 10, tzinfo=ISTANBUL)
    assert (copy.sent_count, copy.body_tr) == (0, first.body_tr)

    time_machine.move_to(datetime.datetime(2027, 2, 28, 10, 1, tzinfo=ISTANBUL), tick=False)
    assert campaigns_due() == [copy.pk]
    run_send(copy.pk)
    assert Message.objects.filter(user=shop["customer"], kind="campaign").count() == 2
    assert Campaign.objects.filter(repeat_of=copy).count() == 1  # and March's is waiting


def test_a_campaign_that_does_not_repeat_schedules_nothing(shop):
    campaign = send_now(_picked_for_you(repeats_monthly=False))
    assert campaign_repeat_next(campaign_id=campaign.pk) is None
    assert not Campaign.objects.filter(repeat_of=campaign).exists()


def test_next_month_keeps_the_day_or_takes_the_months_last():
    at = datetime.datetime(2027, 12, 15, 9, 30, tzinfo=ISTANBUL)
    assert next_month(at) == datetime.datetime(2028, 1, 15, 9, 30, tzinfo=ISTANBUL)
    leap = datetime.datetime(2028, 1, 30, 9, 30, tzinfo=ISTANBUL)
    assert next_month(leap) == datetime.datetime(2028, 2, 29, 9, 30, tzinfo=ISTANBUL)
