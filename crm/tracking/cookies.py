"""The visitor's cookie choices and random visitor id, as cookies: the one place their names
and format live (the banner writes them; tracking and recommendations read them).

`dk_consent` holds "<version>.<analytics 0|1>.<marketing 0|1>" ("1.1.0"): no cookie means the
visitor has not chosen yet, so the banner shows and nothing optional runs. `dk_visitor` holds a
random id (32 hex characters), set only once analytics are allowed and deleted when withdrawn.
"""

import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse

CONSENT_COOKIE = "dk_consent"
VISITOR_COOKIE = "dk_visitor"
CONSENT_VERSION = "1"  # raise it when the cookie list changes: everyone is asked again
_CONSENT = re.compile(r"(\d+)\.([01])\.([01])")
_VISITOR = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class CookieChoices:
    decided: bool = False
    analytics: bool = False
    marketing: bool = False

    def cookie_value(self) -> str:
        return f"{CONSENT_VERSION}.{int(self.analytics)}.{int(self.marketing)}"


def cookie_choices(request: HttpRequest) -> CookieChoices:
    """The visitor's current choices; undecided (everything optional off) when the cookie is
    missing, malformed or from an older cookie list."""
    match = _CONSENT.fullmatch(request.COOKIES.get(CONSENT_COOKIE, ""))
    if match is None or match.group(1) != CONSENT_VERSION:
        return CookieChoices()
    return CookieChoices(True, match.group(2) == "1", match.group(3) == "1")


def visitor_id(request: HttpRequest) -> str:
    """The browser's random visitor id ("" without analytics consent or without the cookie)."""
    if not cookie_choices(request).analytics:
        return ""
    value = request.COOKIES.get(VISITOR_COOKIE, "")
    return value if _VISITOR.fullmatch(value) else ""


CONSENT_MAX_AGE = 365 * 24 * 3600  # a choice is remembered for a year, then asked again


def raw_visitor_id(request: HttpRequest) -> str:
    """The visitor id cookie whatever the consent says (to forget its rows on withdrawal)."""
    value = request.COOKIES.get(VISITOR_COOKIE, "")
    return value if _VISITOR.fullmatch(value) else ""


def choices_store(request: HttpRequest, response: HttpResponse, choices: CookieChoices) -> None:
    """Write the visitor's choices on the response: the consent cookie always; the visitor id
    kept (or made) with analytics consent, deleted without it."""
    secure = settings.SESSION_COOKIE_SECURE
    response.set_cookie(
        CONSENT_COOKIE,
        choices.cookie_value(),
        max_age=CONSENT_MAX_AGE,
        samesite="Lax",
        secure=secure,
    )
    if choices.analytics:
        response.set_cookie(
            VISITOR_COOKIE,
            raw_visitor_id(request) or secrets.token_hex(16),
            max_age=CONSENT_MAX_AGE,
            samesite="Lax",
            secure=secure,
            httponly=True,
        )
    else:
        response.delete_cookie(VISITOR_COOKIE, samesite="Lax")
