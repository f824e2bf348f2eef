"""Staff-written texts that reach a customer: `{first_name}` and a few more, nothing else.

Plain `str.format_map` over a whitelist of plain strings, never a Django template: a text may
name only the placeholders listed, with no attribute, index, conversion or format spec.
"""

from string import Formatter

from django.conf import settings
from django.utils.translation import gettext as _

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
        parts = list(Formatter().parse(text))
    except ValueError:
        raise ActionRefused(
            _("A brace is not closed. Write placeholders like {first_name}; write {{ for a brace.")
        ) from None
    allowed = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in values or spec or conversion:
            raise ActionRefused(
                _("Unknown placeholder {%(name)s}. You can use: %(allowed)s.")
                % {"name": name, "allowed": allowed}
            )
        if name == "order_number" and not values[name]:
            raise ActionRefused(_("{order_number} needs the order the message is about."))
    return text.format_map(values)
