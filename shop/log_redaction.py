"""A logging filter that keeps secrets and personal data out of every log line.

Links that carry a key (email confirmation, password reset, unsubscribe), tokens, passwords,
signatures and long random strings are replaced; email addresses keep only their first letter
and domain; phone and T.C. identity numbers keep only their last two digits.
"""

import logging
import re

REDACTED = "[redacted]"

_SECRET_PATH = re.compile(
    r"(?P<lead>/(?:confirm-email|password/reset/key|unsubscribe|login/code|key|token)/)[^/\s\"'<>]+",
    re.I,
)
_SECRET_PARAM = re.compile(
    r"(?P<lead>\b(?:token|key|secret|password\d?|passwd|signature|sig|code|api_key|auth)"
    r"[\"']?\s*[=:]\s*[\"']?)[^\s&,;\"'<>]+",
    re.I,
)
_AUTH_HEADER = re.compile(r"(?P<lead>\b(?:Basic|Bearer|Token)\s+)[A-Za-z0-9+/=._\-]{8,}", re.I)
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"  # task ids stay
_LONG_RANDOM = re.compile(
    rf"(?<![\w/])(?!{_UUID})(?=[A-Za-z0-9_\-:]*\d)[A-Za-z0-9_\-:]{{32,}}", re.I
)
_EMAIL = re.compile(r"\b([A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]*@([A-Za-z0-9.\-]+\.[A-Za-z]{2,})\b")
_DIGITS = re.compile(r"(?<![\w.:-])\+?\d(?:[ ()]?\d){9,}(?![\w:-]|\.\d)")


def _mask_digits(match: re.Match) -> str:
    text = match.group(0)
    digits = re.sub(r"\D", "", text)
    return ("+" if text.startswith("+") else "") + "*" * (len(digits) - 2) + digits[-2:]


def redact(text: str) -> str:
    text = _SECRET_PATH.sub(lambda m: m["lead"] + REDACTED, text)
    text = _SECRET_PARAM.sub(lambda m: m["lead"] + REDACTED, text)
    text = _AUTH_HEADER.sub(lambda m: m["lead"] + REDACTED, text)
    text = _LONG_RANDOM.sub(REDACTED, text)
    text = _EMAIL.sub(lambda m: f"{m[1]}***@{m[2]}", text)
    return _DIGITS.sub(_mask_digits, text)


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
