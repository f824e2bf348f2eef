"""The chat console's names: an outsourced team's agent sees a customer's name, never the email
(crm.staff.masking), as on the complaint desk."""

from django import template

from crm.models import Conversation
from crm.staff.masking import mask_email

register = template.Library()


@register.filter
def chat_who(conversation: Conversation, masked: bool) -> str:
    """Who the chat is with, as this viewer may see it."""
    if not masked:
        return conversation.who
    if conversation.customer_id:
        return conversation.customer.get_full_name() or mask_email(conversation.customer.email)
    return conversation.guest_name or mask_email(conversation.guest_email)


@register.filter
def shown_email(email: str, masked: bool) -> str:
    return mask_email(email) if masked else email
