"""The SetupIntent behind a card form: one per order (or account) and use, kept and used again.

Opening a card page used to make a new SetupIntent at Stripe every time, so a crawler (or a
shopper pressing reload) could make thousands. The SetupIntent made for a Customer, order and
use is remembered in the cache and read back from Stripe while it can still take a card; a new
one is made only when it was used (or is gone). Reading it back makes nothing at Stripe.
"""

import re

import stripe
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from shop.models import User

from .client import stripe_client
from .provider import ProviderUnavailable
from .services import CardSetup, card_customer_for, card_setup_intent

_SETUP_INTENT_ID = re.compile(r"seti_[A-Za-z0-9]{1,100}", re.ASCII)
# A SetupIntent in one of these states can still take a card (a declined card leaves it
# `requires_payment_method` again, so the shopper's next card uses it too).
_REUSABLE = frozenset({"requires_payment_method", "requires_confirmation"})
# Longer than any shopper stays on a payment page; a forgotten one is simply made again.
_KEEP_SECONDS = 24 * 3600


def card_form_setup(*, customer_id: str, order_number: str, usage: str = "on_session") -> CardSetup:
    """The SetupIntent a card form confirms: the one kept for this Customer, order and use if it
    can still take a card, else a new one (then kept)."""
    key = f"card-setup:{customer_id}:{usage}:{order_number}"
    kept = _reusable(cache.get(key), customer_id=customer_id, usage=usage, order=order_number)
    if kept is not None:
        return kept
    setup = card_setup_intent(customer_id=customer_id, order_number=order_number, usage=usage)
    cache.set(key, setup.setup_intent_id, _KEEP_SECONDS)
    return setup


def wallet_card_setup(*, user: User) -> CardSetup:
    """The SetupIntent of the account's card pages (wallet, top-up, tab): saved off-session."""
    customer = card_customer_for(user=user)
    return card_form_setup(customer_id=customer, order_number="wallet", usage="off_session")


def _reusable(
    setup_intent_id: object, *, customer_id: str, usage: str, order: str
) -> CardSetup | None:
    if not isinstance(setup_intent_id, str) or not _SETUP_INTENT_ID.fullmatch(setup_intent_id):
        return None
    try:
        found = stripe_client().v1.setup_intents.retrieve(setup_intent_id).to_dict()
    except stripe.InvalidRequestError:
        return None  # gone at Stripe: make a new one
    except stripe.StripeError as error:
        raise ProviderUnavailable(_("Card payments are unavailable right now.")) from error
    if (
        found.get("status") in _REUSABLE
        and _id(found.get("customer")) == customer_id
        and found.get("usage") == usage
        and (found.get("metadata") or {}).get("order") == order
    ):
        return CardSetup(found["id"], found["client_secret"], settings.STRIPE_PUBLISHABLE_KEY)
    return None


def _id(value: object) -> str:
    if isinstance(value, dict):
        return str(value.get("id", ""))
    return str(value or "")
