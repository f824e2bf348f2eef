"""Web Push: the VAPID keys in use, what a browser's subscription must look like, the payload
a push carries, and why a push may not go out.

The payload is small JSON the service worker (static/js/sw.js) shows: title, body, the page to
open on a tap, and a tag, so a later step of the same order replaces the earlier notification.
"""

import base64
import binascii
import ipaddress
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.utils.translation import gettext as _

from .exceptions import PushSubscriptionInvalid
from .models import Channel, ConsentCurrent, Message, PushSubscription

# Browser keys: an uncompressed P-256 point (65 bytes) and a 16-byte auth secret (RFC 8291).
P256_POINT_BYTES = 65
AUTH_SECRET_BYTES = 16
LOOPBACK_HOSTS = frozenset({"localhost"})


@dataclass(frozen=True)
class SubscriptionData:
    endpoint: str
    p256dh: str
    auth: str


def push_enabled() -> bool:
    """Whether the shop has a VAPID key pair (without one, no browser can subscribe)."""
    return bool(settings.WEB_PUSH_VAPID_PUBLIC_KEY and settings.WEB_PUSH_VAPID_PRIVATE_KEY)


def b64url_decode(value: str) -> bytes:
    """Base64url with or without padding, as browsers and VAPID write it."""
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def subscription_parse(data: object) -> SubscriptionData:
    """The subscription a page posted (`PushSubscription.toJSON()`), checked; raises
    PushSubscriptionInvalid with a message the customer can read."""
    not_one = _("This is not a browser push subscription.")
    if not isinstance(data, dict):
        raise PushSubscriptionInvalid(not_one)
    endpoint, keys = data.get("endpoint"), data.get("keys")
    if not isinstance(endpoint, str) or not isinstance(keys, dict):
        raise PushSubscriptionInvalid(not_one)
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    if not isinstance(p256dh, str) or not isinstance(auth, str):
        raise PushSubscriptionInvalid(not_one)
    if len(endpoint) > 1000 or not _endpoint_allowed(endpoint):
        raise PushSubscriptionInvalid(
            _("This browser's push service is not one we can send notifications through.")
        )
    try:
        point, secret = b64url_decode(p256dh), b64url_decode(auth)
    except (binascii.Error, ValueError):
        raise PushSubscriptionInvalid(not_one) from None
    if len(point) != P256_POINT_BYTES or point[0] != 4 or len(secret) != AUTH_SECRET_BYTES:
        raise PushSubscriptionInvalid(not_one)
    return SubscriptionData(endpoint=endpoint, p256dh=p256dh.rstrip("="), auth=auth.rstrip("="))


def _endpoint_allowed(endpoint: str) -> bool:
    """HTTPS to a known push service (WEB_PUSH_ENDPOINT_HOSTS, host or parent domain): the shop
    POSTs to this URL, so it must not be any address a visitor names. A loopback host listed
    there (the tests' fake push service) may use plain HTTP."""
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    if not host or parts.username or parts.password:
        return False
    listed = any(
        host == allowed or host.endswith(f".{allowed}")
        for allowed in (name.lower() for name in settings.WEB_PUSH_ENDPOINT_HOSTS)
    )
    if not listed:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and _loopback(host))


def _loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def push_payload(*, title: str, body: str, url: str, tag: str) -> str:
    """The JSON the service worker shows (kept small: push services take about 4 kB)."""
    return json.dumps(
        {"title": title[:120], "body": body[:400], "url": url, "tag": tag}, ensure_ascii=False
    )


def push_refusal(message: Message) -> str:
    """Why a queued push may not go out now, or "": the customer withdrew their consent or no
    browser of theirs is subscribed any more."""
    if message.user_id is None or not _consented(message.user_id):
        return "no consent"
    if not PushSubscription.objects.filter(user_id=message.user_id).exists():
        return "no push subscription"
    return ""


def push_reachable(user: object) -> bool:
    """Whether a push to this account would go anywhere: consent given and a browser subscribed."""
    return (
        user is not None
        and getattr(user, "pk", None) is not None
        and push_enabled()
        and _consented(user.pk)
        and PushSubscription.objects.filter(user_id=user.pk).exists()
    )


def _consented(user_id: int) -> bool:
    return ConsentCurrent.objects.filter(
        user_id=user_id, channel=Channel.PUSH, granted=True
    ).exists()


def vapid_pair_generate() -> tuple[str, str]:
    """A new VAPID key pair: (public key, private key), base64url without padding."""
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    raw = private.private_numbers().private_value.to_bytes(32, "big")
    return _b64url(public), _b64url(raw)


def vapid_public_key_of(private_key: str) -> str:
    """The public key that belongs to a base64url private key; ValueError if it is not one."""
    raw = b64url_decode(private_key)
    if len(raw) != 32:
        raise ValueError("a VAPID private key is 32 bytes")
    private = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    public = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64url(public)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")
