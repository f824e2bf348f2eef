"""The tracked link of a campaign message: count the click, remember the campaign for the
visitor's next order, and go to the campaign's page on this site (never anywhere else)."""

from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.views.decorators.cache import never_cache

from orders.attribution import source_ref_remember

from ..models import Campaign
from .links import click_token_read, local_path
from .services import campaign_click_record
from .states import CampaignStatus


@never_cache
def campaign_click(request: HttpRequest, token: str) -> HttpResponseRedirect:
    read = click_token_read(token)
    if read is None:
        raise Http404("not a campaign link")
    campaign_id, user_id = read
    campaign = (
        Campaign.objects.filter(
            pk=campaign_id, status__in=[CampaignStatus.SENDING, CampaignStatus.SENT]
        )
        .only("pk", "landing_path")
        .first()
    )
    if campaign is None:
        raise Http404("no such campaign")
    campaign_click_record(campaign_id=campaign.pk, user_id=user_id)
    source_ref_remember(request.session, campaign.source_ref)
    return HttpResponseRedirect(local_path(campaign.landing_path) or "/")
