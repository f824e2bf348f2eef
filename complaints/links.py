"""The guest's link to their ticket: the ticket's random token, signed with the site's key (a
tampered link is a 404 before any query; a good one names exactly one ticket)."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from shop.signed_links import SignedToken

from .models import Ticket

SALT = "complaints.ticket"
LINK = SignedToken(SALT)


def ticket_link_token(ticket: Ticket) -> str:
    return LINK.sign(ticket.token)


def ticket_token_read(signed: str) -> str | None:
    return LINK.read(signed)


def ticket_url(*, ticket: Ticket, language: str = "", absolute: bool = False) -> str:
    """The guest's page of the ticket, in the language given (absolute for a message)."""
    with translation.override(language or ticket.language or settings.LANGUAGE_CODE):
        path = reverse("complaints:guest", args=[ticket_link_token(ticket)])
    return f"{settings.SITE_URL}{path}" if absolute else path
