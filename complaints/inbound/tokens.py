"""The desk's reply address: `destek+<token>.<signature>@<domain>`.

The desk's own replies carry it (Reply-To), so a customer's answer names its ticket even when
their mail client drops In-Reply-To and References. The token is whatever opaque string the
ticket code gives (its public token); the signature (django.core.signing, its own salt, the
SECRET_KEY and its fallbacks) makes a made-up or altered address name no ticket.

The signature is lower-case hex, so an address survives a mail system that lower-cases it as long
as the token is lower-case too (a UUID's hex, say). An address's local part holds 64 characters
at most: with the default "destek" that leaves 35 for the token.
"""

import re
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "complaints.inbound.reply-address"
SIGNATURE_LENGTH = 20  # hex digits: 80 bits, checked online only
LOCAL_PART_MAX = 64
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")


class _HexSigner(signing.Signer):
    """django.core.signing's Signer with a short lower-case hex signature and "." as separator:
    both survive in an email address's local part."""

    def __init__(self) -> None:
        super().__init__(sep=".", salt=SALT, algorithm="sha256")

    def signature(self, value: str, key: object = None) -> str:
        key = key or self.key
        digest = salted_hmac(self.salt + "signer", value, key, algorithm=self.algorithm)
        return digest.hexdigest()[:SIGNATURE_LENGTH]

    def unsign(self, signed_value: str) -> str:
        value, sep, sig = signed_value.rpartition(self.sep)
        if not sep:
            raise signing.BadSignature("no separator")
        for key in (self.key, *self.fallback_keys):
            if constant_time_compare(sig.lower(), self.signature(value, key)):
                return value
        raise signing.BadSignature("signature does not match")


def reply_address(ticket_token: str) -> str:
    """`destek+<token>.<signature>@<domain>` (COMPLAINTS_REPLY_LOCAL_PART, COMPLAINTS_REPLY_DOMAIN).

    Raises ValueError for a token outside [A-Za-z0-9_-] or too long for an address."""
    if not TOKEN_PATTERN.match(ticket_token or ""):
        raise ValueError("a reply token is letters, digits, '-' and '_'")
    local = f"{settings.COMPLAINTS_REPLY_LOCAL_PART}+{_HexSigner().sign(ticket_token)}"
    if len(local) > LOCAL_PART_MAX:
        raise ValueError(f"the reply address's local part is over {LOCAL_PART_MAX} characters")
    return f"{local}@{settings.COMPLAINTS_REPLY_DOMAIN}"


def reply_token_read(addresses: Iterable[str]) -> str | None:
    """The ticket token of the first of these addresses that is a genuine reply address (any
    domain: a provider may route several to the desk); None if there is none. An altered token or
    signature is no reply address."""
    prefix = settings.COMPLAINTS_REPLY_LOCAL_PART.lower() + "+"
    for address in addresses:
        local = (address or "").strip().strip("<>").rpartition("@")[0]
        if not local.lower().startswith(prefix):
            continue
        signed = local[len(prefix) :]
        try:
            token = _HexSigner().unsign(signed)
        except signing.BadSignature:
            continue
        if TOKEN_PATTERN.match(token):
            return token
    return None
