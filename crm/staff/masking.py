"""An outsourced team's narrower view (the complaint desk, the chat console): an agent whose only
teams are outsourced sees the customer's name, never the email, phone or address in full."""

from crm.models import Team
from shop.models import User

MASK = "•••"


def viewer_is_masked(viewer: User) -> bool:
    """True for staff whose every team is outsourced (one query); a superuser, or staff in no
    team or in any in-house team, see everything."""
    if viewer.is_superuser:
        return False
    flags = set(Team.objects.filter(members=viewer).values_list("outsourced", flat=True))
    return flags == {True}


def mask_email(email: str) -> str:
    """ "ayse.kaya@example.com" → "a•••@•••.com"."""
    if not email or "@" not in email:
        return MASK if email else ""
    local, domain = email.rsplit("@", 1)
    tld = domain.rsplit(".", 1)[1] if "." in domain else ""
    return f"{local[:1]}{MASK}@{MASK}" + (f".{tld}" if tld else "")


def mask_phone(phone: str) -> str:
    """ "+905321234567" → "•••67"."""
    digits = [ch for ch in phone or "" if ch.isdigit()]
    return f"{MASK}{''.join(digits[-2:])}" if digits else ""
