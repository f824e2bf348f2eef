"""People and tickets for the staff desk's tests: agents in teams, leads, a guest's ticket."""

from django.contrib.auth.models import Group

from complaints.models import Ticket
from complaints.services import complaint_open
from crm.models import Team
from crm.staff.groups import CALL_CENTRE_AGENT
from shop.models import User
from tests.factories import StaffFactory


def agent(email: str, *teams: Team, group: str = CALL_CENTRE_AGENT, **fields) -> User:
    """A staff member of `group` (the call-centre agents by default) in `teams`."""
    user = StaffFactory(is_superuser=False, email=email, **fields)
    user.groups.add(Group.objects.get(name=group))
    for team in teams:
        team.members.add(user)
    return User.objects.get(pk=user.pk)  # no cached permissions


def guest_ticket(**fields) -> Ticket:
    data = {
        "channel": "web",
        "category": "late_or_missing",
        "description": "Kargom gelmedi.",
        "contact_name": "Ayşe Kaya",
        "contact_email": "ayse@example.com",
        "contact_phone": "+905321234567",
        **fields,
    }
    return complaint_open(**data)
