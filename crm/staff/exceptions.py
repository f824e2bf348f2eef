"""Domain errors of the staff side of the CRM; their messages are safe to show to staff."""

from shop.exceptions import ShopError


class StaffError(ShopError):
    pass


class OverAgentLimit(StaffError):
    """A goodwill grant above the agent's limit: a team lead must approve it."""


class ApprovalRefused(StaffError):
    pass


class InteractionRefused(StaffError):
    pass


class LookupRefused(StaffError):
    """A search the console cannot run (a phone number that cannot be one)."""


class CallbackRefused(StaffError):
    """A call-me-back request or a step on it that cannot go ahead; the message says why."""
