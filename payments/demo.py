"""Demo data for payments: the demo customer's saved card, made on the local fake Stripe server.

The card is entered here as Stripe.js enters it in a browser, and only ever against the fake
server (never with real Stripe keys). `make run` starts that server afresh before seeding, so a
card it no longer knows is forgotten here and made again.
"""

import socket
from urllib.parse import urlsplit

import stripe
from django.conf import settings

from shop.embedded import FAKE_STRIPE_SECRET_KEY
from shop.models import User

from .exceptions import PaymentError
from .methods.card.client import stripe_client
from .methods.wallet.provider import default_card
from .methods.wallet.services import saved_card_add, wallet_card_form
from .models import SavedCard, StripeCustomer

DEMO_CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}


def demo_saved_card(*, user: User) -> SavedCard | None:
    """The customer's default card, saved now if the fake Stripe server does not know one.

    None when real Stripe is configured or the fake server is not running.
    """
    if settings.STRIPE_SECRET_KEY != FAKE_STRIPE_SECRET_KEY or not _fake_stripe_answers():
        return None
    client = stripe_client()
    card = default_card(user_id=user.pk)
    customer = StripeCustomer.objects.filter(user=user).first()
    try:
        if card is not None and customer is not None:
            method = client.v1.payment_methods.retrieve(card.payment_method_id)
            if getattr(method.customer, "id", method.customer) == customer.customer_id:
                return card
    except stripe.InvalidRequestError:
        pass  # a fresh fake server: it no longer knows the card
    except stripe.StripeError:
        return None  # not running
    # Forget what the fake server forgot (demo rows only), then save the card again.
    SavedCard.objects.filter(user=user).delete()
    StripeCustomer.objects.filter(user=user).delete()
    try:
        setup = wallet_card_form(user=user)
        client.v1.setup_intents.confirm(
            setup.setup_intent_id,
            params={"payment_method_data": {"type": "card", "card": dict(DEMO_CARD)}},
        )
        return saved_card_add(user=user, setup_intent_id=setup.setup_intent_id)
    except (stripe.StripeError, PaymentError):
        return None


def _fake_stripe_answers() -> bool:
    """Whether the fake server listens (asked once, quickly, instead of a client's retries)."""
    address = urlsplit(settings.STRIPE_API_BASE)
    try:
        socket.create_connection((address.hostname, address.port or 80), timeout=1).close()
    except OSError:
        return False
    return True
