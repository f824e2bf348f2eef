"""The campaigns' domain errors (their message is safe to show to staff)."""

from shop.exceptions import ShopError


class CampaignRefused(ShopError):
    """The campaign cannot do that now (not a draft, nothing to send, a bad text)."""
