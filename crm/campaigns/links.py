"""A campaign's tracked links: `/go/<token>/` signed for one recipient, leading only to a page of
this shop. The route lives outside the language prefix: one short address (it fits an SMS)
that reads the same in both languages; the landing page's own path carries the language."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

CLICK_SALT = "crm.campaigns.click"
_SIGNER_SEP = "."


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
