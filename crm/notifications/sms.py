"""Honest SMS length: GSM-7 when every character fits, else UCS-2 (no ş, ğ, ı or İ in GSM-7)."""

from dataclasses import dataclass

# GSM 03.38 basic character set, and the extension table (each costs two septets).
_GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = set("^{}\\[~]|€\f")


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    parts: int


def sms_length(text: str) -> SmsLength:
    if all(ch in _GSM7_BASIC or ch in _GSM7_EXTENDED for ch in text):
        units = sum(2 if ch in _GSM7_EXTENDED else 1 for ch in text)
        single, per_part, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, per_part, encoding = 70, 67, "UCS-2"
    parts = 1 if units <= single else -(-units // per_part)
    return SmsLength(encoding=encoding, units=units, parts=parts)
