"""Signed links to one order, for guests who open it from a message in another browser."""

from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

_SALT = "orders.order-link"


def order_link_token(number: str) -> str:
    return signing.dumps(number, salt=_SALT)


def order_link_valid(*, token: str, number: str) -> bool:
    """True when the token was signed by us for this order number and has not expired."""
    try:
        signed = signing.loads(
            token, salt=_SALT, max_age=settings.ORDER_LINK_MAX_AGE_DAYS * 24 * 3600
        )
    except signing.BadSignature:
        return False
    return signed == number


def order_pay_url(*, number: str, language: str) -> str:
    """The absolute "pay now" link for a message: it opens the order for whoever holds it."""
    with translation.override(language):
        path = reverse("orders:pay", kwargs={"number": number})
    return f"{settings.SITE_URL}{path}?t={order_link_token(number)}"


def order_pay_link(*, order) -> str:
    """The absolute "pay now" link of a phone order's message: signed for a guest; an account
    holder signs in first and lands on the payment page."""
    if order.user_id is None:
        return order_pay_url(number=order.number, language=order.language)
    with translation.override(order.language):
        path = reverse("orders:pay", kwargs={"number": order.number})
        login = reverse("account_login")
    return f"{settings.SITE_URL}{login}?{urlencode({'next': path})}"


def order_page_url(*, order) -> str:
    """The absolute link to an order's page for a message: signed for a guest; an account
    holder signs in first and lands on it."""
    with translation.override(order.language):
        path = reverse("orders:confirmation", kwargs={"number": order.number})
        if order.user_id is None:
            return f"{settings.SITE_URL}{path}?t={order_link_token(order.number)}"
        login = reverse("account_login")
    return f"{settings.SITE_URL}{login}?next={path}"


def order_track_url(*, order) -> str:
    """The absolute "Track your order" link for a guest's message: the tracking page with the
    order number filled in, so the guest types only the email. It holds no secret, so it works
    for as long as the order exists (the signed order link expires)."""
    with translation.override(order.language):
        path = reverse("orders:track")
    return f"{settings.SITE_URL}{path}?{urlencode({'number': order.number})}"


_DOWNLOAD_SALT = "orders.download-link"


def download_token(link_id: int) -> str:
    return signing.dumps(link_id, salt=_DOWNLOAD_SALT)


def download_link_id(token: str) -> int | None:
    """The link id a download token was signed for, or None for a forged one.

    Expiry and the download limit live on the link row, so staff can extend or re-issue.
    """
    try:
        value = signing.loads(token, salt=_DOWNLOAD_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def download_url(*, link) -> str:
    """The absolute link to one download, for the message (a guest's carries the order link)."""
    order = link.order_line.order
    with translation.override(order.language):
        path = reverse(
            "orders:download", kwargs={"number": order.number, "token": download_token(link.pk)}
        )
    query = f"?t={order_link_token(order.number)}" if order.user_id is None else ""
    return f"{settings.SITE_URL}{path}{query}"
