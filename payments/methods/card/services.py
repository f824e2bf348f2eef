"""Card payments' own steps: Stripe Customers, collecting a card, reconciliation.

Every Stripe call here happens outside any transaction; what it answers is then written in a
short one (the ledger through `payment_record`). Webhooks are in `webhooks.py`.
"""

import logging
import re
from dataclasses import dataclass
from datetime import datetime

import stripe
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from shop.models import User
from shop.money import format_money

from ...exceptions import PaymentError
from ...models import (
    Payment,
    PaymentEvent,
    PaymentPurpose,
    ReconciliationItem,
    StripeCustomer,
)
from ...services.ledger import (
    payment_start,
)
from ...states import PaymentMethod
from .client import from_stripe_amount, stripe_client
from .provider import ProviderUnavailable

logger = logging.getLogger(__name__)

_SETUP_INTENT_ID = re.compile(r"seti_[A-Za-z0-9]{1,100}", re.ASCII)
# Methods whose payments are Stripe PaymentIntents (the wallet pays with saved cards).
_STRIPE_METHODS = (PaymentMethod.CARD, PaymentMethod.WALLET)


@dataclass(frozen=True)
class CardSetup:
    """What the card form needs: the SetupIntent's client secret, never stored by us."""

    setup_intent_id: str
    client_secret: str
    publishable_key: str


def card_customer_for(*, user: User | None = None, order: object | None = None) -> str:
    """The Stripe Customer id of a signed-in shopper, or of a guest's order; made once."""
    owner = {"user": user} if user is not None else {"order": order}
    existing = StripeCustomer.objects.filter(**owner).values_list("customer_id", flat=True)
    if customer_id := existing.first():
        return customer_id
    key = f"customer-user-{user.pk}" if user is not None else f"customer-order-{order.pk}"
    email = user.email if user is not None else getattr(order, "email", "")
    try:
        customer = stripe_client().v1.customers.create(
            params={"email": email, "metadata": {"owner": key}},
            options={"idempotency_key": key},
        )
    except stripe.StripeError as error:
        raise ProviderUnavailable(_("Card payments are unavailable right now.")) from error
    row, _created = StripeCustomer.objects.get_or_create(
        **owner, defaults={"customer_id": customer.id}
    )
    return row.customer_id


def card_setup_intent(
    *, customer_id: str, order_number: str, usage: str = "on_session"
) -> CardSetup:
    """A SetupIntent the browser confirms with the card details (Stripe.js, never our server).

    `usage="off_session"` for a card saved in the wallet (it may pay a tab without the shopper).
    """
    try:
        intent = stripe_client().v1.setup_intents.create(
            params={
                "customer": customer_id,
                "usage": usage,
                "payment_method_types": ["card"],
                "metadata": {"order": order_number},
            }
        )
    except stripe.StripeError as error:
        raise ProviderUnavailable(_("Card payments are unavailable right now.")) from error
    return CardSetup(intent.id, intent.client_secret, settings.STRIPE_PUBLISHABLE_KEY)


def card_pay(*, payment: Payment, setup_intent_id: str, customer_id: str) -> Payment:
    """Pay an attempt with the card the browser just set up: one PaymentIntent, confirmed."""
    payment_method = card_set_up(setup_intent_id=setup_intent_id, customer_id=customer_id)
    details = {"payment_method": payment_method, "customer": customer_id}
    return payment_start(payment=payment, details=details)


def card_setup_intent_id_check(setup_intent_id: str) -> None:
    """Refuse what cannot be a SetupIntent id before anything asks Stripe about it."""
    if not _SETUP_INTENT_ID.fullmatch(setup_intent_id or ""):
        raise PaymentError(_("Your card could not be read. Please enter it again."))


def card_set_up(*, setup_intent_id: str, customer_id: str) -> str:
    """The PaymentMethod of a SetupIntent the browser confirmed for this Customer; else refused."""
    unreadable = PaymentError(_("Your card could not be read. Please enter it again."))
    card_setup_intent_id_check(setup_intent_id)
    try:
        setup = stripe_client().v1.setup_intents.retrieve(setup_intent_id)
    except stripe.InvalidRequestError:
        raise unreadable from None
    except stripe.StripeError as error:
        raise ProviderUnavailable(_("Card payments are unavailable right now.")) from error
    # The card must have been set up for this shopper's Customer, in this browser, just now.
    if setup.status != "succeeded" or _id(setup.customer) != customer_id:
        raise unreadable
    return _id(setup.payment_method)


@dataclass(frozen=True)
class SetupRefusal:
    """A card the bank refused while it was set up in the browser, as Stripe tells it."""

    key: str  # the SetupIntent and the refused card: one ledger row per card entered
    code: str
    message: str  # the bank's words, as Stripe gives them


def card_setup_refused(*, setup_intent_id: str, customer_id: str) -> SetupRefusal | None:
    """The card a SetupIntent of this Customer was refused with, read from Stripe (never from
    the browser); None when Stripe shows no refused card on it.

    Stripe keeps the refusal as the intent's `last_setup_error`; the fake server cancels the
    intent with the refused card attached instead.
    """
    card_setup_intent_id_check(setup_intent_id)
    try:
        setup = stripe_client().v1.setup_intents.retrieve(setup_intent_id).to_dict()
    except stripe.InvalidRequestError:
        return None
    except stripe.StripeError as error:
        raise ProviderUnavailable(_("Card payments are unavailable right now.")) from error
    if _id(setup.get("customer")) != customer_id:
        return None
    error = setup.get("last_setup_error") or {}
    card = _id(error.get("payment_method")) or _id(setup.get("payment_method"))
    if not card or not (error or setup.get("status") == "canceled"):
        return None
    code = str(error.get("decline_code") or error.get("code") or "card_declined")
    # Stripe's own words for a refusal that came without any (the fake server's).
    message = str(error.get("message") or "Your card was declined.")
    return SetupRefusal(key=f"{setup_intent_id}:{card}", code=code, message=message)


def card_action_secret(*, payment: Payment) -> str:
    """The client secret the browser needs to finish 3-D Secure (read from Stripe, not kept)."""
    if not payment.reference.startswith("pi_"):
        return ""
    try:
        intent = stripe_client().v1.payment_intents.retrieve(payment.reference)
    except stripe.StripeError as error:
        raise ProviderUnavailable(_("The card payment could not be checked.")) from error
    return intent.client_secret if intent.status == "requires_action" else ""


def card_intent_of(*, payment: Payment, customer_id: str, since: datetime) -> dict | None:
    """The PaymentIntent Stripe made for an attempt whose answer we never recorded, if any.

    Found through the Customer's charges since the attempt began (a filter both Stripe and the
    fake server know) and the intent's `metadata.payment_id`. None when nothing was charged or
    declined; an intent still waiting for 3-D Secure has no charge and is not found either.
    """
    client = stripe_client()
    try:
        charges = client.v1.charges.list(
            params={"customer": customer_id, "created": {"gt": int(since.timestamp())}}
        )
        for intent_id in {_id(charge.payment_intent) for charge in charges.auto_paging_iter()}:
            if not intent_id:
                continue
            intent = client.v1.payment_intents.retrieve(intent_id).to_dict()
            if str((intent.get("metadata") or {}).get("payment_id", "")) == str(payment.pk):
                return intent
    except stripe.StripeError as error:
        raise ProviderUnavailable(_("Stripe could not be reached.")) from error
    return None


def card_reconcile(*, since: datetime) -> int:
    """Compare Stripe's charges and recent PaymentIntents with the ledger; new differences."""
    client = stripe_client()
    found = 0
    try:
        charges = client.v1.charges.list(
            params={"created": {"gt": int(since.timestamp())}, "limit": 100}
        )
        for charge in charges.auto_paging_iter():
            if charge.status == "succeeded" and charge.captured and not _in_ledger(charge):
                found += _difference(
                    ReconciliationItem.Kind.CHARGE_NOT_IN_LEDGER,
                    charge.id,
                    amount=from_stripe_amount(charge.amount, charge.currency),
                    currency=str(charge.currency).upper(),
                    detail=f"PaymentIntent {_id(charge.payment_intent)}",
                )
        recent = Payment.objects.filter(method__in=_STRIPE_METHODS, created_at__gt=since)
        for payment in recent.exclude(reference=""):
            try:
                intent = client.v1.payment_intents.retrieve(payment.reference).to_dict()
            except stripe.InvalidRequestError as error:
                if error.http_status != 404:
                    raise
                # Stripe does not know it (another account, a wiped test server): one
                # difference for staff; the rest of the run goes on.
                found += _missing_at_stripe(payment)
                continue
            found += _compare(payment, intent)
        for payment in _refunded_since(since):
            found += _compare_refunds(payment, client)
    except stripe.StripeError as error:
        raise ProviderUnavailable(_("Stripe could not be reached.")) from error
    return found


def _refunded_since(since: datetime) -> QuerySet[Payment]:
    """Stripe payments made, or refunded (here or through a tab's orders), since this moment."""
    refunded = Q(events__kind=PaymentEvent.Kind.REFUND, events__created_at__gt=since)
    return (
        Payment.objects.filter(method__in=_STRIPE_METHODS)
        .exclude(reference="")
        .filter(
            Q(created_at__gt=since)
            | Q(refunds__created_at__gt=since)
            | refunded
            | Q(
                purpose=PaymentPurpose.TAB_SETTLEMENT,
                tab__payments__refunds__created_at__gt=since,
            )
        )
        .distinct()
    )


def _compare_refunds(payment: Payment, client: stripe.StripeClient) -> int:
    """Stripe's succeeded refunds of a PaymentIntent against our ledger's refund rows."""
    there = {}
    try:
        listed = client.v1.refunds.list(params={"payment_intent": payment.reference, "limit": 100})
        for refund in listed.auto_paging_iter():
            if refund.status == "succeeded":
                there[refund.id] = from_stripe_amount(refund.amount, refund.currency)
    except stripe.InvalidRequestError as error:
        if error.http_status != 404:
            raise
        return 0  # Stripe does not know the intent: listed once as missing at Stripe
    # A tab order's refund is made on its settlement's PaymentIntent: found by its Stripe id.
    rows = PaymentEvent.objects.filter(kind=PaymentEvent.Kind.REFUND).filter(
        Q(payment=payment) | Q(reference__in=list(there))
    )
    here = {row.reference: row.amount for row in rows}
    found = 0
    for refund_id, amount in there.items():
        if refund_id not in here:
            found += _difference(
                ReconciliationItem.Kind.REFUND_NOT_IN_LEDGER,
                refund_id,
                amount=amount,
                currency=payment.currency,
                payment=payment,
                detail=f"PaymentIntent {payment.reference}: refunded at Stripe, not here",
            )
        elif here[refund_id] != amount:
            found += _difference(
                ReconciliationItem.Kind.AMOUNT_DIFFERS,
                refund_id,
                amount=amount,
                currency=payment.currency,
                payment=payment,
                detail=(
                    f"refund: ledger {format_money(here[refund_id], payment.currency)}, "
                    f"Stripe {format_money(amount, payment.currency)}"
                ),
            )
    for reference, amount in here.items():
        if reference not in there and reference.startswith("re_"):
            found += _difference(
                ReconciliationItem.Kind.REFUND_NOT_AT_STRIPE,
                reference,
                amount=amount,
                currency=payment.currency,
                payment=payment,
                detail=f"PaymentIntent {payment.reference}: refunded here, not at Stripe",
            )
    return found


def _in_ledger(charge: object) -> bool:
    references = {charge.id, _id(charge.payment_intent)} - {""}
    return PaymentEvent.objects.filter(
        kind=PaymentEvent.Kind.CAPTURE, reference__in=references
    ).exists()


def _missing_at_stripe(payment: Payment) -> int:
    captured = payment.ledger_sum(PaymentEvent.Kind.CAPTURE)
    return _difference(
        ReconciliationItem.Kind.MISSING_AT_STRIPE,
        payment.reference,
        amount=captured,
        currency=payment.currency,
        payment=payment,
        detail=(
            f"ledger {format_money(captured, payment.currency)} ({payment.status}), "
            "no such PaymentIntent at Stripe"
        ),
    )


def _compare(payment: Payment, intent: dict) -> int:
    captured = payment.ledger_sum(PaymentEvent.Kind.CAPTURE)
    status, currency = intent.get("status"), str(intent.get("currency", ""))
    paid_there = status == "succeeded"
    amount = from_stripe_amount(
        int(intent.get("amount_received") or intent.get("amount") or 0), currency
    )
    kind = None
    if paid_there and not captured:
        kind = ReconciliationItem.Kind.INTENT_PAID_NOT_RECORDED
    elif captured and not paid_there:
        kind = ReconciliationItem.Kind.RECORDED_NOT_PAID
    elif paid_there and amount != captured:
        kind = ReconciliationItem.Kind.AMOUNT_DIFFERS
    if kind is None:
        return 0
    return _difference(
        kind,
        payment.reference,
        amount=amount,
        currency=currency.upper(),
        payment=payment,
        detail=(
            f"ledger {format_money(captured, currency.upper())}, "
            f"Stripe {status} {format_money(amount, currency.upper())}"
        ),
    )


def _difference(kind: str, reference: str, **fields: object) -> int:
    _row, created = ReconciliationItem.objects.get_or_create(
        kind=kind, reference=reference, defaults=fields
    )
    return int(created)


def _id(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return str(value.get("id", "") or "")
    return str(getattr(value, "id", "") or "")
