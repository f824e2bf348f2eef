"""Domain errors of the complaint desk; their messages are safe to show."""

from shop.exceptions import ShopError


class ComplaintError(ShopError):
    pass


class InvalidTicketTransition(ComplaintError):
    """A status change the table in states.py does not allow."""


class ComplaintRefused(ComplaintError):
    """A complaint, reply or note that cannot be taken as given (the message says why)."""


class ActionRefused(ComplaintError):
    """A resolution action that cannot go ahead as asked (the message says why); nothing
    was changed."""
