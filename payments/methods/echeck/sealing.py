"""Sealing an e-check and keeping its account number unreadable at rest.

The seal is an HMAC-SHA256 over the check's canonical fields (payee, amount, currency, date,
check number, a keyed hash of the account): staff can verify it later, and any change to a
sealed field breaks it. The account number (IBAN) is encrypted with Fernet keys from the
environment; the first key encrypts, every listed key decrypts, so keys can be rotated.
"""

import hashlib
import hmac
import json
from decimal import Decimal

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SealKeyMissing(Exception):
    pass


def _seal_key() -> bytes:
    if not settings.ECHECK_SEAL_KEY:
        raise SealKeyMissing("ECHECK_SEAL_KEY is empty")
    return settings.ECHECK_SEAL_KEY.encode()


def account_hash(iban: str) -> str:
    """A keyed hash of the account: the seal names the account without revealing it."""
    return hmac.new(_seal_key(), f"account:{iban}".encode(), hashlib.sha256).hexdigest()


def canonical(
    *, payee: str, amount: Decimal, currency: str, date: str, number: str, account: str
) -> bytes:
    fields = {
        "account": account,
        "amount": str(amount),
        "currency": currency,
        "date": date,
        "number": number,
        "payee": payee,
    }
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def seal(message: bytes) -> str:
    return hmac.new(_seal_key(), message, hashlib.sha256).hexdigest()


def seal_valid(message: bytes, signature: str) -> bool:
    return hmac.compare_digest(seal(message), signature)


def _fernet() -> MultiFernet:
    keys = [key.strip() for key in settings.ECHECK_ENCRYPTION_KEYS if key.strip()]
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt_account(iban: str) -> str:
    return _fernet().encrypt(iban.encode()).decode()


def decrypt_account(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ValueError(
            "the account number cannot be decrypted with the configured keys"
        ) from error


def reencrypt_account(token: str) -> str:
    """The same account under the newest key (after a key rotation)."""
    return _fernet().rotate(token.encode()).decode()
