"""Browsers with a given cookie choice, and a token to post with, for the tracking tests."""

import re

from django.test import Client

from crm.tracking.cookies import CONSENT_COOKIE, VISITOR_COOKIE

VISITOR = "0123456789abcdef0123456789abcdef"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TRACK_URL = "/en/tracking/event/"


def browser(consent: str | None = "1.1.0", visitor: str | None = VISITOR) -> Client:
    """A browser enforcing CSRF like a real one, with these cookies."""
    client = Client(enforce_csrf_checks=True)
    if consent is not None:
        client.cookies[CONSENT_COOKIE] = consent
    if visitor is not None:
        client.cookies[VISITOR_COOKIE] = visitor
    return client


def token(client: Client) -> str:
    """A CSRF token for this browser, as a page's form carries it."""
    return TOKEN.search(client.get("/en/cookie-settings/").text)[1]


def beacon(client: Client, **fields: object):
    """What track.js sends: form data with the page's token in its body."""
    return client.post(TRACK_URL, {"csrfmiddlewaretoken": token(client), **fields})
