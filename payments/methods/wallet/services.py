"""Saved cards ("My wallet"): save one with a SetupIntent, pick the default, remove one.

Card numbers never reach us: Stripe.js confirms the SetupIntent in the browser; we keep the
PaymentMethod id with its brand, last 4 digits and expiry, so no Stripe call renders a page.
"""

import contextlib

import stripe
from django.db import transaction
from django.utils.translation import gettext as _

from shop.models import User

from ...exceptions import PaymentError
from ...models import SavedCard, StripeCustomer
from ..card.client import stripe_client
from ..card.provider import ProviderUnavailable
from ..card.services import (
    CardSetup,
    card_customer_for,
    card_set_up,
    card_setup_intent,
    card_setup_intent_id_check,
)


def wallet_card_form(*, user: User) -> CardSetup:
    """A SetupIntent for saving a card to the customer's Stripe Customer (off-session use)."""
    customer = card_customer_for(user=user)
    return card_setup_intent(customer_id=customer, order_number="wallet", usage="off_session")


def saved_card_add(*, user: User, setup_intent_id: str) -> SavedCard:
    """Keep the card the browser just set up; the first card becomes the default."""
    card_setup_intent_id_check(setup_intent_id)  # junk never costs a Stripe call
    customer = card_customer_for(user=user)
    payment_method_id = card_set_up(setup_intent_id=setup_intent_id, customer_id=customer)
    client = stripe_client()
    try:
        method = client.v1.payment_methods.retrieve(payment_method_id)
        if _id(method.customer) != customer:
            method = client.v1.payment_methods.attach(
                payment_method_id, params={"customer": customer}
            )
    except stripe.StripeError as error:
        raise ProviderUnavailable(_("The card could not be saved right now.")) from error
    card = method.card
    with transaction.atomic():
        cards = list(SavedCard.objects.select_for_update().filter(user=user))
        saved, _created = SavedCard.objects.get_or_create(
            payment_method_id=payment_method_id,
            defaults={
                "user": user,
                "brand": str(card.brand or "card")[:20],
                "last4": str(card.last4)[:4],
                "exp_month": int(card.exp_month),
                "exp_year": int(card.exp_year),
                "is_default": not any(c.is_default for c in cards),
            },
        )
        if saved.user_id != user.pk:
            raise PaymentError(_("Your card could not be read. Please enter it again."))
    return saved


def saved_card_make_default(*, user: User, card_id: int) -> SavedCard:
    with transaction.atomic():
        cards = {c.pk: c for c in SavedCard.objects.select_for_update().filter(user=user)}
        card = cards.get(card_id)
        if card is None:
            raise PaymentError(_("This card is no longer in your wallet."))
        SavedCard.objects.filter(user=user, is_default=True).exclude(pk=card.pk).update(
            is_default=False
        )
        if not card.is_default:
            card.is_default = True
            card.save(update_fields=["is_default"])
    return card


def saved_card_remove(*, user: User, card_id: int) -> None:
    """Forget a card here, then detach it at Stripe (outside any lock); the next is default."""
    with transaction.atomic():
        card = SavedCard.objects.select_for_update().filter(user=user, pk=card_id).first()
        if card is None:
            raise PaymentError(_("This card is no longer in your wallet."))
        was_default, payment_method_id = card.is_default, card.payment_method_id
        card.delete()
        if was_default:
            following = SavedCard.objects.filter(user=user).order_by("-created_at").first()
            if following is not None:
                following.is_default = True
                following.save(update_fields=["is_default"])
    # Forgotten here already, so it can never pay through us again even if Stripe is down now.
    with contextlib.suppress(stripe.StripeError):
        stripe_client().v1.payment_methods.detach(payment_method_id)


def _id(value: object) -> str:
    if isinstance(value, str):
        return value
    return str(getattr(value, "id", "") or "")


def saved_cards_forget_all(*, user: User, customer_email: str) -> int:
    """Forget every saved card of an account being erased, in the caller's transaction; after it
    commits, detach them at Stripe and put `customer_email` on the Stripe Customer.

    Harmless when run twice: a card already detached (or gone) at Stripe is skipped.
    """
    cards = list(
        SavedCard.objects.select_for_update()
        .filter(user=user)
        .values_list("payment_method_id", flat=True)
    )
    SavedCard.objects.filter(user=user).delete()
    customer_id = (
        StripeCustomer.objects.filter(user=user).values_list("customer_id", flat=True).first()
    )

    def call_stripe() -> None:  # after commit, outside every lock
        client = stripe_client()
        for payment_method_id in cards:
            with contextlib.suppress(stripe.StripeError):
                client.v1.payment_methods.detach(payment_method_id)
        if customer_id:
            with contextlib.suppress(stripe.StripeError):
                client.v1.customers.update(customer_id, params={"email": customer_email})

    if cards or customer_id:
        transaction.on_commit(call_stripe, robust=True)
    return len(cards)
