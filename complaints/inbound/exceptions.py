"""Why an inbound message is not taken: a code for logs and counters, a message for staff."""

from django.utils.translation import gettext_lazy as _


class InboundRefused(Exception):
    """A message the desk cannot take (no usable sender, too large, not an email at all)."""

    MESSAGES = {
        "no_sender": _("The email has no usable sender address."),
        "too_large": _("The email is larger than the desk accepts."),
        "unreadable": _("The email could not be read."),
    }

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)

    @property
    def message(self) -> str:
        """The staff-facing explanation, in the active language."""
        return str(self.MESSAGES.get(self.code, self.MESSAGES["unreadable"]))
