"""Staff-written texts that reach a customer: `{first_name}` and a few more, nothing else.

Plain `str.format_map` over a whitelist of plain strings, never a Django template: a text may
name only the placeholders allowed, with no attribute, index, conversion or format spec. Used
by the journeys' stored texts and by the agents' one-off messages from the customer 360.
"""

from collections.abc import Iterable
from string import Formatter

from django.utils.translation import gettext as _

from .exceptions import PlaceholderError


def placeholders_check(text: str, allowed: Iterable[str]) -> list[str]:
    """The placeholders `text` names, in order; PlaceholderError (saying which) for anything
    that is not a plain `{name}` from `allowed` or for a brace left open."""
    allowed = tuple(allowed)
    try:
        parts = list(Formatter().parse(text))
    except ValueError:
        raise PlaceholderError(
            _("A brace is not closed. Write placeholders like {first_name}; write {{ for a brace.")
        ) from None
    named = []
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in allowed or spec or conversion:
            raise PlaceholderError(
                _("Unknown placeholder {%(name)s}. You can use: %(allowed)s.")
                % {"name": name, "allowed": ", ".join(f"{{{item}}}" for item in allowed)}
            )
        named.append(name)
    return named


def render_placeholders(text: str, values: dict[str, str]) -> str:
    """`text` with each `{name}` replaced by its value (only the names in `values` allowed)."""
    placeholders_check(text, values)
    return text.format_map({name: str(value) for name, value in values.items()})
