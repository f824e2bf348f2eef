"""The campaigns' Celery tasks (registered through crm/tasks.py); each is safe to run twice."""

from celery import shared_task
from django.conf import settings

from shop.background import enqueue

from .sending import campaign_batch_send, campaign_finish, campaign_start
from .services import campaigns_due


@shared_task(name="crm.campaign_send")
def campaign_send(campaign_id: int) -> int:
    """Start the campaign if due and send its batches; after CAMPAIGN_BATCHES_PER_TASK batches
    the rest goes on in a fresh task (under the time limit). Returns the recipients handled."""
    if campaign_start(campaign_id=campaign_id) is None:
        return 0
    handled = 0
    for _batch in range(settings.CAMPAIGN_BATCHES_PER_TASK):
        done = campaign_batch_send(campaign_id=campaign_id)
        if not done:
            campaign_finish(campaign_id=campaign_id)
            return handled
        handled += done
    enqueue("crm.campaign_send", campaign_id)
    return handled


@shared_task(name="crm.campaigns_due")
def campaigns_due_task() -> int:
    """Start every scheduled campaign whose send time has come."""
    return len(campaigns_due())
