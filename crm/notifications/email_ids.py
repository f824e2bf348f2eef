"""The Message-ID each outgoing email carries: stable (derived from the outbox row's id, so a
retry of the same row sends the same id) and signed, so a reply's In-Reply-To names its outbox
row and a made-up id names none.

`<n42.3f9c0a1b2c3d4e5f6a7b@dukkan.example>`: the row id, then 20 hex digits of an HMAC of it
(the SECRET_KEY, its fallbacks when the key is rotated). Apps that need to know which message a
reply answers read the row back with `outbox_row_for_email_id`."""

import re

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "notifications.email-message-id"
SIGNATURE_LENGTH = 20
_PATTERN = re.compile(rf"^n(\d{{1,18}})\.([0-9a-f]{{{SIGNATURE_LENGTH}}})@")


def _signature(pk: int, key: object = None) -> str:
    digest = salted_hmac(SALT, str(pk), key or settings.SECRET_KEY, algorithm="sha256")
    return digest.hexdigest()[:SIGNATURE_LENGTH]


def email_message_id(pk: int) -> str:
    """The Message-ID (without angle brackets) of the outbox row `pk`."""
    return f"n{pk}.{_signature(pk)}@{settings.NOTIFICATIONS_MESSAGE_ID_DOMAIN}"


def email_message_pk(message_id: str) -> int | None:
    """The outbox row id a Message-ID of ours names (any domain), or None for anyone else's."""
    found = _PATTERN.match((message_id or "").strip().strip("<>").lower())
    if found is None:
        return None
    pk, signature = int(found.group(1)), found.group(2)
    for key in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
        if constant_time_compare(signature, _signature(pk, key)):
            return pk
    return None
