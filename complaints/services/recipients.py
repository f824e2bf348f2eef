"""Who the desk's messages about a ticket go to: the account when it is active, else the
contact the complaint gave."""

from crm.notifications.services import Recipient
from shop.models import User

from ..models import Ticket


def ticket_recipient(ticket: Ticket) -> User | Recipient:
    if ticket.customer is not None and ticket.customer.is_active:
        return ticket.customer
    return Recipient(
        email=ticket.contact_email, phone=ticket.contact_phone, language=ticket.language
    )
