"""Deploy checks of browser notifications (`manage.py check --deploy`).

Production with no VAPID keys only warns (browser notifications are then off); the
development pair `make run` made, a pair that does not match or no contact fails (a warning on
plain HTTP, like the shop's other development leftovers: shop/checks.py).
"""

import json
import re

from django.conf import settings
from django.core import checks

from .push import vapid_public_key_of

CONTACT = re.compile(r"^(mailto:[^@\s]+@[^@\s]+\.[^@\s]+|https://\S+)$")


def _development_public_key() -> str:
    try:
        data = json.loads(settings.WEB_PUSH_VAPID_DEV_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError, AttributeError):
        return ""
    return str(data.get("public_key", "")) if isinstance(data, dict) else ""


def _problems() -> list[tuple[str, str, str]]:
    public, private = settings.WEB_PUSH_VAPID_PUBLIC_KEY, settings.WEB_PUSH_VAPID_PRIVATE_KEY
    found = []
    development = _development_public_key()
    if development and public.rstrip("=") == development:
        found.append(
            (
                "E001",
                "WEB_PUSH_VAPID_PUBLIC_KEY is the development pair that `make run` made.",
                "Make a pair of your own with `manage.py web_push_keys` and set both keys.",
            )
        )
    try:
        matches = vapid_public_key_of(private) == public.rstrip("=")
    except ValueError:
        matches = False
    if not matches:
        found.append(
            (
                "E002",
                "WEB_PUSH_VAPID_PRIVATE_KEY is not the private key of WEB_PUSH_VAPID_PUBLIC_KEY.",
                "Set both keys from the same `manage.py web_push_keys` output.",
            )
        )
    if not CONTACT.match(settings.WEB_PUSH_CONTACT):
        found.append(
            (
                "E003",
                "WEB_PUSH_CONTACT is not a mailto: address or an https: URL.",
                "Set it, e.g. mailto:ops@example.com: push services write there about problems.",
            )
        )
    return found


@checks.register("deploy", deploy=True)
def check_web_push(**kwargs: object) -> list[checks.CheckMessage]:
    if not settings.PRODUCTION:
        return []
    if not (settings.WEB_PUSH_VAPID_PUBLIC_KEY or settings.WEB_PUSH_VAPID_PRIVATE_KEY):
        return [
            checks.Warning(
                "WEB_PUSH_VAPID_PUBLIC_KEY and WEB_PUSH_VAPID_PRIVATE_KEY are empty: browser "
                "notifications are off.",
                hint="Make a pair with `manage.py web_push_keys` and set both keys.",
                id="notifications.W001",
            )
        ]
    if settings.HTTPS:
        return [checks.Error(m, hint=h, id=f"notifications.{c}") for c, m, h in _problems()]
    return [
        checks.Warning(m, hint=h, id=f"notifications.{c.replace('E', 'W1')}")
        for c, m, h in _problems()
    ]
