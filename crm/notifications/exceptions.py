"""Domain errors of the notifications app."""


class NotificationError(Exception):
    pass


class UnknownKind(NotificationError):
    pass


class TemporaryDeliveryError(NotificationError):
    """The provider could not take the message now (5xx, timeout): try again later."""


class PermanentDeliveryError(NotificationError):
    """The provider refused the message (bad number, 4xx): retrying will not help."""


class PlaceholderError(NotificationError, ValueError):
    """A staff-written text names a placeholder it may not use; the message says which."""


class PushSubscriptionInvalid(NotificationError, ValueError):
    """What a page posted is not a browser push subscription (or names another account's)."""


class PushSubscriptionNotFound(NotificationError):
    """No subscription of this account has that endpoint."""
