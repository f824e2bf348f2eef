"""The campaigns' staff screens: create a draft, preview it, send it with the right permission,
watch its progress, read its report; every page with a pinned number of queries."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from crm.campaigns.states import CampaignStatus
from crm.models import Campaign
from crm.notifications.models import Message
from shop.models import AuditEntry
from tests.factories import StaffFactory

from .helpers import consent_segment, consenting_customers, draft_campaign, run_send

pytestmark = pytest.mark.django_db


def staff_with(*codenames: str):
    user = StaffFactory(is_superuser=False)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


FORM = {
    "name": "Bahar",
    "channel": "email",
    "subject_tr": "{first_name}, bahar geldi",
    "body_tr": "Yeni sezon: {link}",
    "sms_tr": "",
    "subject_en": "{first_name}, spring is here",
    "body_en": "The new season: {link}",
    "sms_en": "",
    "landing_path": "/",
    "coupon_mode": "",
    "personal_kind": "",
    "send_at_0": "2030-01-02",
    "send_at_1": "10:00:00",
    "holdout_percent": "10",
    "window_days": "7",
    "cost": "150.00",
}


def test_marketing_creates_a_draft_and_a_bad_text_or_page_is_refused(client):
    segment = consent_segment()
    client.force_login(staff_with("manage_campaigns", "view_campaign"))
    url = reverse("admin:crm_campaign_add")
    bad = client.post(
        url,
        {
            **FORM,
            "segment": segment.pk,
            "body_tr": "{password}",
            "landing_path": "https://evil.com",
        },
    )
    assert bad.status_code == 200 and not Campaign.objects.exists()
    page = bad.content.decode()
    assert "{password}" in page  # named in the error
    response = client.post(url, {**FORM, "segment": segment.pk})
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:crm_campaign_overview", args=[campaign.pk])
    assert campaign.status == CampaignStatus.DRAFT and str(campaign.cost) == "150.00"
    assert AuditEntry.objects.filter(action="campaign_save").count() == 1


def test_a_coupon_placeholder_without_a_coupon_is_refused(client):
    client.force_login(staff_with("manage_campaigns"))
    data = {**FORM, "segment": consent_segment().pk, "body_tr": "Kodunuz: {coupon_code}"}
    response = client.post(reverse("admin:crm_campaign_add"), data)
    assert response.status_code == 200 and not Campaign.objects.exists()


def test_a_sent_campaign_cannot_be_edited(client):
    consenting_customers(2)
    campaign = draft_campaign()
    client.force_login(staff_with("manage_campaigns", "send_campaign"))
    client.post(reverse("admin:crm_campaign_send", args=[campaign.pk]), {"action": "now"})
    run_send(campaign.pk)
    data = {**FORM, "segment": campaign.segment_id, "name": "Değişti"}
    client.post(reverse("admin:crm_campaign_change", args=[campaign.pk]), data)
    assert Campaign.objects.get(pk=campaign.pk).name == "Kış indirimi"


def test_preview_shows_the_counts_and_a_sample_in_both_languages(
    client, django_assert_max_num_queries
):
    consenting_customers(12)
    campaign = draft_campaign(holdout_percent=10)
    client.force_login(staff_with("manage_campaigns"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("admin:crm_campaign_preview", args=[campaign.pk]))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.audience == 12 and preview.to_send + preview.holdout == 12
    page = response.content.decode()
    assert "Ayşe, kış indirimi başladı" in page and "Ayşe, the winter sale is on" in page
    assert f'id="preview-to-send">{preview.to_send}<' in page


def test_sending_needs_its_own_permission(client):
    consenting_customers(3)
    campaign = draft_campaign()
    client.force_login(staff_with("manage_campaigns", "view_campaign"))
    response = client.post(
        reverse("admin:crm_campaign_send", args=[campaign.pk]), {"action": "now"}
    )
    assert response.status_code == 403
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.DRAFT


def test_send_now_then_the_progress_shows_the_counts(
    client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    consenting_customers(5)
    campaign = draft_campaign(holdout_percent=0)
    client.force_login(staff_with("send_campaign"))
    with django_capture_on_commit_callbacks(execute=True):  # the eager task sends it here
        response = client.post(
            reverse("admin:crm_campaign_send", args=[campaign.pk]), {"action": "now"}
        )
    assert response.status_code == 302
    assert Message.objects.filter(kind="campaign").count() == 5
    assert AuditEntry.objects.filter(
        action="campaign_send_now", object_id=str(campaign.pk)
    ).exists()
    with django_assert_max_num_queries(10):
        page = client.get(reverse("admin:crm_campaign_overview", args=[campaign.pk]))
    assert 'id="campaign-sent">5<' in page.content.decode()
    with django_assert_max_num_queries(6):
        fragment = client.get(
            reverse("admin:crm_campaign_progress", args=[campaign.pk]), HTTP_HX_REQUEST="true"
        )
    assert fragment.content.decode().lstrip().startswith('<div id="campaign-progress"')
    assert "hx-trigger" not in fragment.content.decode()  # sent: the polling stops
    # Without JavaScript the progress address leads to the page itself.
    plain = client.get(reverse("admin:crm_campaign_progress", args=[campaign.pk]))
    assert plain.status_code == 302


def test_a_sending_campaign_polls_for_its_progress(client):
    campaign = draft_campaign()
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.SENDING)
    client.force_login(staff_with("view_campaign"))
    page = client.get(reverse("admin:crm_campaign_overview", args=[campaign.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and "htmx-2.min.js" in page


def test_cancel_from_the_page(client):
    campaign = draft_campaign()
    client.force_login(staff_with("send_campaign"))
    client.post(reverse("admin:crm_campaign_send", args=[campaign.pk]), {"action": "cancel"})
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.CANCELLED
    again = client.post(
        reverse("admin:crm_campaign_send", args=[campaign.pk]), {"action": "now"}, follow=True
    )
    assert again.status_code == 200
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.CANCELLED


def test_the_list_has_a_pinned_number_of_queries(client, django_assert_max_num_queries):
    segment = consent_segment()
    for n in range(5):
        draft_campaign(name=f"K{n}", segment=segment)
    client.force_login(staff_with("view_campaign"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("admin:crm_campaign_changelist"))
    assert response.status_code == 200 and "K4" in response.content.decode()
