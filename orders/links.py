"""Signed links to one order, for guests who open it from a message in another browser."""

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
