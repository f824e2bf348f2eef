"""Who the desk's messages go to: about a ticket, the account when it is active, else the
contact the complaint gave; among staff, the ticket's team lead, and the complaint managers."""

from crm.notifications.services import Recipient
from crm.staff.groups import COMPLAINT_MANAGER
from shop.models import User

from ..models import Ticket


def ticket_recipient(ticket: Ticket) -> User | Recipient:
    if ticket.customer is not None and ticket.customer.is_active:
        return ticket.customer
    return Recipient(
        email=ticket.contact_email, phone=ticket.contact_phone, language=ticket.language
    )


def complaint_managers() -> list[User]:
    """The active staff in the "Complaint manager" group."""
    return list(
        User.objects.filter(groups__name=COMPLAINT_MANAGER, is_active=True, is_staff=True)
        .distinct()
        .order_by("pk")
    )


def ticket_leads(ticket: Ticket) -> list[User]:
    """The ticket's team lead; with no team or no (active) lead, the complaint managers."""
    team = ticket.team
    if team is not None and team.lead is not None and team.lead.is_active:
        return [team.lead]
    return complaint_managers()
