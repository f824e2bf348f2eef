"""Key pairs the tests make: the shop's VAPID pair (tests/settings.py) and a browser's
subscription keys (tests/fakepush.py). Plain cryptography: loaded before Django is set up."""

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def public_point(private: ec.EllipticCurvePrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def vapid_pair() -> tuple[str, str]:
    """(public, private), base64url, as WEB_PUSH_VAPID_PUBLIC_KEY / _PRIVATE_KEY take them."""
    private = ec.generate_private_key(ec.SECP256R1())
    raw = private.private_numbers().private_value.to_bytes(32, "big")
    return b64url(public_point(private)), b64url(raw)
