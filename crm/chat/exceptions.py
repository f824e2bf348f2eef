"""Domain errors of the chat; their messages are safe to show to the customer or the agent."""

from shop.exceptions import ShopError


class ChatError(ShopError):
    pass


class ChatRefused(ChatError):
    """A message or a step that cannot go ahead (empty, too long, the chat has ended, ...)."""


class ChatClosedHours(ChatError):
    """Nobody is on duty: the customer is offered a callback or a complaint instead."""


class ChatNotYours(ChatError):
    """An agent acting on a chat of another team's queue, or another agent's chat."""
