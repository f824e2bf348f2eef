"""Mobile phone numbers: parsed with `phonenumbers`, stored in E.164 (+905321234567)."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "TR"
_MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def normalize_mobile(raw: str, *, region: str = DEFAULT_REGION) -> str:
    """Return the number in E.164, or raise ValidationError if it is not a valid mobile number."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("Enter a valid mobile phone number, e.g. 0532 123 45 67."), code="invalid_phone"
        ) from None
    if (
        not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _MOBILE_TYPES
    ):
        raise ValidationError(
            _("Enter a valid mobile phone number, e.g. 0532 123 45 67."), code="invalid_phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_mobile(raw: str) -> str:
    """A form's mobile number in E.164 ('' when blank), or the one clear reason it is not one."""
    raw = raw.strip()
    if not raw:
        return ""
    try:
        return normalize_mobile(raw)
    except ValidationError as error:
        raise ValidationError(error.messages[0]) from None


def validate_mobile(value: str) -> None:
    if value:
        normalize_mobile(value)


def format_mobile(e164: str) -> str:
    """Human-friendly form of a stored number (+90 532 123 45 67)."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def normalize_phone(raw: str, *, region: str = DEFAULT_REGION) -> str:
    """Any valid number, Turkish (any written form) or international, in E.164; landlines too
    (a caller's line or a callback number). ValidationError when it cannot be a number."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("This cannot be a Turkish or international phone number, e.g. 0532 123 45 67."),
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
