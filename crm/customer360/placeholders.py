"""The placeholders an agent's one-off message from the 360 may use (the rule itself is
`crm.notifications.placeholders`: plain `{name}` over a whitelist, never a Django template)."""

from django.conf import settings
from django.utils.translation import gettext as _

from crm.notifications.exceptions import PlaceholderError
from crm.notifications.placeholders import placeholders_check
from shop.models import User

from .exceptions import ActionRefused

PLACEHOLDERS = ("first_name", "last_name", "full_name", "email", "order_number", "site_name")


def placeholder_values(*, customer: User, order_number: str = "") -> dict[str, str]:
    return {
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "full_name": customer.get_full_name(),
        "email": customer.email,
        "order_number": order_number,
        "site_name": settings.SITE_NAME,
    }


def render_placeholders(text: str, values: dict[str, str]) -> str:
    """`text` with each `{name}` replaced; ActionRefused (saying which) for anything else."""
    try:
        named = placeholders_check(text, PLACEHOLDERS)
    except PlaceholderError as error:
        raise ActionRefused(str(error)) from None
    if "order_number" in named and not values.get("order_number"):
        raise ActionRefused(_("{order_number} needs the order the message is about."))
    return text.format_map(values)
