"""Card payments through Stripe (PaymentIntents, SetupIntents, webhooks)."""

from ...registry import register
from .provider import CardProvider

register(CardProvider())
