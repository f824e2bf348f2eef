"""A campaign's tracked links: `/go/<token>/` signed for one recipient, leading only to a page of
this shop. The route lives outside the language prefix: one short address (it fits an SMS)
that reads the same in both languages; the landing page's own path carries the language."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

CLICK_SALT = "crm.campaigns.click"
_SIGNER_SEP = "."
_UNSAFE = re.compile(r"[\s\\\x00-\x1f\x7f]")


def _signer() -> signing.Signer:
    return signing.Signer(salt=CLICK_SALT, sep=_SIGNER_SEP)


def click_token(*, campaign_id: int, user_id: int) -> str:
    return _signer().sign(f"{campaign_id}-{user_id}")


def click_token_read(token: str) -> tuple[int, int] | None:
    """(campaign id, user id) the token was signed for, or None when it is not ours."""
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    campaign_id, _sep, user_id = value.partition("-")
    if not (campaign_id.isdigit() and user_id.isdigit()):
        return None
    return int(campaign_id), int(user_id)


def click_url(*, campaign_id: int, user_id: int) -> str:
    path = reverse("campaign_click", args=[click_token(campaign_id=campaign_id, user_id=user_id)])
    return f"{settings.SITE_URL}{path}"


def local_path(value: str) -> str | None:
    """`value` when it is a path on this site ("/…"), else None: no scheme, no host, no
    `//host` or `/\\host` that a browser would read as another site, no spaces or controls."""
    value = (value or "").strip()
    if not value.startswith("/") or value.startswith("//") or _UNSAFE.search(value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    if not url_has_allowed_host_and_scheme(value, allowed_hosts=set()):
        return None
    return value
