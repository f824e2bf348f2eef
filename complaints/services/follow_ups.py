"""Tickets opened for a customer staff should get back to, on crm's behalf (a low feedback
score after delivery): crm hands over a `FollowUp` through its registry."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from crm.registry import FollowUp
from orders.models import Order

from ..models import Ticket
from ..states import Category, Channel
from .tickets import complaint_open


def complaint_follow_up_open(follow_up: FollowUp) -> Ticket:
    """A new ticket in the desk's queue holding crm's summary as the customer's words (no
    acknowledgement is sent: the customer did not write a complaint; staff get in touch)."""
    order = Order.objects.filter(pk=follow_up.order_id).first() if follow_up.order_id else None
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Low feedback score after delivery")
    return complaint_open(
        channel=Channel.WEB,
        category=Category.OTHER,
        description=follow_up.summary,
        subject=subject,
        customer=follow_up.customer,
        contact_email=follow_up.email,
        language=follow_up.language or settings.LANGUAGE_CODE,
        order=order,
    )
