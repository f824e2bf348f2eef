"""A campaign's tracked link: counted on the right recipient, the campaign carried to the order
placed after it, only ever a redirect to this shop's own pages."""

import pytest
from django.test import Client
from django.urls import reverse

from crm.campaigns.links import click_token, click_url, local_path
from crm.campaigns.report import campaign_report
from crm.models import Campaign, CampaignRecipient
from orders.models import Order
from tests.factories import UserFactory
from tests.orders.helpers import shipping_setup
from tests.orders.test_pages import add, physical, place

from .helpers import consent_segment, consenting_customers, draft_campaign, send_now

pytestmark = pytest.mark.django_db


def link_path(campaign: Campaign, user) -> str:
    return click_url(campaign_id=campaign.pk, user_id=user.pk).removeprefix("http://testserver")


@pytest.mark.parametrize(
    "path",
    [
        "//evil.com/",
        "/\\evil.com",
        "https://evil.com/",
        "javascript:alert(1)",
        "http:/evil.com",
        "evil.com",
        "/ok\nLocation: https://evil.com",
        "/\t/evil.com",
        "",
    ],
)
def test_a_foreign_or_odd_landing_page_is_refused(path):
    assert local_path(path) is None


def test_local_pages_are_kept():
    assert local_path("/kategori/lamba/?renk=kirmizi#ust") == "/kategori/lamba/?renk=kirmizi#ust"
    assert local_path("/en/") == "/en/"


def test_a_click_counts_on_the_recipient_and_leads_to_the_landing_page(client):
    (customer,) = consenting_customers(1)
    campaign = send_now(draft_campaign(holdout_percent=0, landing_path="/kategori/lamba/"))
    response = client.get(link_path(campaign, customer))
    assert response.status_code == 302 and response["Location"] == "/kategori/lamba/"
    client.get(link_path(campaign, customer))
    row = CampaignRecipient.objects.get(campaign=campaign, user=customer)
    assert row.click_count == 2 and row.first_clicked_at is not None


def test_a_landing_page_turned_foreign_in_the_database_still_goes_home(client):
    (customer,) = consenting_customers(1)
    campaign = send_now(draft_campaign(holdout_percent=0))
    Campaign.objects.filter(pk=campaign.pk).update(landing_path="//evil.com/")
    response = client.get(link_path(campaign, customer))
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.parametrize("token", ["bozuk", "1-2.sahte-imza", "1-2", "..", "%2F%2Fevil.com"])
def test_a_bad_token_is_not_found(client, token):
    assert client.get(f"/go/{token}/").status_code == 404


def test_a_draft_campaigns_link_is_not_found(client):
    customer = UserFactory()
    campaign = draft_campaign()
    token = click_token(campaign_id=campaign.pk, user_id=customer.pk)
    assert client.get(reverse("campaign_click", args=[token])).status_code == 404


def test_clicks_and_orders_are_attributed_to_the_campaign_clicked():
    method = shipping_setup()
    ayse, mehmet = consenting_customers(2, verified=True)
    first = send_now(draft_campaign(name="Bir", holdout_percent=0))
    second = send_now(draft_campaign(name="İki", segment=consent_segment(), holdout_percent=0))
    for customer, campaign in ((ayse, first), (mehmet, second)):
        browser = Client()
        browser.force_login(customer)
        assert browser.get(link_path(campaign, customer)).status_code == 302
        add(browser, physical(), 1)
        response = place(browser, method, email=customer.email)
        assert response.status_code == 302, response.content.decode()[:2000]
    assert Order.objects.get(user=ayse).source_ref == f"campaign:{first.pk}"
    assert Order.objects.get(user=mehmet).source_ref == f"campaign:{second.pk}"
    for campaign, customer in ((first, ayse), (second, mehmet)):
        report = campaign_report(Campaign.objects.get(pk=campaign.pk))
        assert report.clicked == 1 and report.conversions == 1
        clicked = CampaignRecipient.objects.get(campaign=campaign, first_clicked_at__isnull=False)
        assert clicked.user == customer
