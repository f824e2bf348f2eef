"""Signatures of provider callbacks: Twilio's (HMAC-SHA1 of URL + sorted form) and ours."""

import base64
import hashlib
import hmac


def twilio_signature(*, auth_token: str, url: str, params: dict[str, str]) -> str:
    payload = url + "".join(key + params[key] for key in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def body_signature(*, secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def matches(expected: str, given: str) -> bool:
    return bool(given) and hmac.compare_digest(expected, given)
