"""Paying for a placed order: starting its payment, paying by card, trying another card.

An order may have several payment attempts (a declined card, then another); its newest
attempt speaks for it. Provider calls happen here after every transaction has committed and
never under the order's lock; the payments services record the answers.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from payments.interface import Outcome, ProviderResult
from payments.methods.card.card_form import card_form_setup
from payments.methods.card.services import CardSetup
from payments.models import Payment, PaymentEvent
from payments.registry import get_provider
from payments.services import (
    CheckoutPayment,
    Operation,
    card_action_secret,
    card_customer_for,
    card_pay,
    card_setup_refused,
    payment_checkout_resolve,
    payment_create,
    payment_record,
    payment_refresh,
    payment_start,
)
from payments.states import ACCEPTED, VOIDABLE, PaymentMethod, PaymentStatus
from shop.background import enqueue_on_commit
from shop.exceptions import ShopError
from shop.models import User

from ..exceptions import CheckoutError
from ..models import Order
from ..states import HOLDS_ALLOCATION, OrderStatus


@dataclass(frozen=True)
class PaymentStart:
    """Where a just-placed order's payment stands, for the page that comes next."""

    payment: Payment | None
    problem: str = ""  # why the payment did not start; the order then waits for payment
    needs_browser: bool = False  # the shopper enters a card on the order's payment page
    pays_in_browser: bool = False  # the shopper goes on to the order's payment page


def checkout_payment_start(*, order: Order, payment: CheckoutPayment | None = None) -> PaymentStart:
    """Start paying a just-placed order, after its transaction committed.

    `payment` is the method as checkout resolved it (CheckoutRequest.payment); without it, the
    order's newest attempt is resolved here. A card cannot start before the shopper has entered
    it: the result says so. A refusal (any ShopError) is returned as the result's `problem`,
    never raised.
    """
    attempt = order.payments.order_by("-pk").first()
    if attempt is None:
        return PaymentStart(payment=None)
    if payment is None:
        payment = payment_checkout_resolve(method=attempt.method)
    if payment.starts_in_browser:
        return PaymentStart(payment=attempt, needs_browser=True, pays_in_browser=True)
    in_browser = order_pays_in_browser(order=order, payment=payment)
    try:
        attempt = payment_start(payment=attempt)
    except ShopError as error:
        return PaymentStart(payment=attempt, problem=str(error), pays_in_browser=in_browser)
    return PaymentStart(payment=attempt, pays_in_browser=in_browser)


def order_pays_in_browser(*, order: Order, payment: CheckoutPayment | None = None) -> bool:
    """An order awaiting a payment the shopper makes on its payment page: a card, or another
    way to pay after an e-check bounced (before anything shipped) or was returned by the bank
    after it cleared (the order may be on its way or delivered already). `payment`: the
    order's method as checkout resolved it, if at hand."""
    if order.status in HOLDS_ALLOCATION and order.payment_status == PaymentStatus.BOUNCED:
        return True
    if order.payment_status == PaymentStatus.RETURNED and order.status != OrderStatus.CANCELLED:
        return True
    if order.status != OrderStatus.PENDING_PAYMENT or not order.payment_method:
        return False
    if payment is not None:
        return payment.finishes_in_browser
    return get_provider(order.payment_method).finishes_in_browser


@dataclass(frozen=True)
class CardStep:
    """What the payment page shows next for an order paid by card."""

    payment: Payment
    action_secret: str = ""  # 3-D Secure to finish in the browser (never stored)
    problem: str = ""  # the bank's message for a declined card

    @property
    def accepted(self) -> bool:
        return self.payment.status in ACCEPTED


@dataclass(frozen=True)
class CardForm:
    """The payment page's card step: a card to enter, or 3-D Secure to finish."""

    setup: CardSetup | None
    action_secret: str = ""


def order_card_form(*, order: Order, user: User | None) -> CardForm:
    """What the payment page needs from Stripe now (nothing of it is stored)."""
    current = order.payments.order_by("-pk").first()
    if current is not None and current.status == PaymentStatus.REQUIRES_ACTION:
        secret = card_action_secret(payment=current)
        if secret:
            return CardForm(setup=None, action_secret=secret)
    customer = order_card_customer(order=order, user=user)
    # The order's SetupIntent is made once and used again: opening the page makes nothing new.
    return CardForm(setup=card_form_setup(customer_id=customer, order_number=order.number))


def order_card_customer(*, order: Order, user: User | None) -> str:
    """The Stripe Customer the card is collected for: the account's, or this guest order's."""
    if user is not None:
        return card_customer_for(user=user)
    return card_customer_for(order=order)


def order_card_pay(*, order: Order, setup_intent_id: str, user: User | None) -> CardStep:
    """Charge the card the shopper just entered, as a new attempt when the last one is spent."""
    payment = _attempt_for_card(order=order)
    customer = order_card_customer(order=order, user=user)
    payment = card_pay(payment=payment, setup_intent_id=setup_intent_id, customer_id=customer)
    return order_card_step(payment=payment)


def order_card_refused(*, order: Order, setup_intent_id: str, user: User | None) -> CardStep | None:
    """Record a card the bank refused in the browser (while Stripe.js set it up) as a failed
    attempt of the order, with the bank's words, as a declined charge is; read from Stripe,
    once per card entered. None when Stripe shows no refusal (nothing is recorded)."""
    customer = order_card_customer(order=order, user=user)
    refusal = card_setup_refused(setup_intent_id=setup_intent_id, customer_id=customer)
    if refusal is None:
        return None
    key = f"{PaymentEvent.Kind.FAILURE}:{refusal.key}"
    if PaymentEvent.objects.filter(idempotency_key=key, payment__order=order).exists():
        return None  # told twice (a reload): recorded the first time
    payment = _attempt_for_card(order=order)
    payment = payment_record(
        payment_id=payment.pk,
        result=ProviderResult(
            Outcome.FAILED,
            payment.amount,
            currency=payment.currency,
            reference=refusal.key,
            message=refusal.message,
            raw={"code": refusal.code, "status": "setup_refused"},
        ),
        operation=Operation.START,
        operation_key=refusal.key,
    )
    return order_card_step(payment=payment)


def order_card_check(*, order: Order) -> CardStep:
    """Read back the newest attempt from Stripe after the shopper finished 3-D Secure."""
    payment = order.payments.order_by("-pk").first()
    if payment is None:
        raise CheckoutError(_("This order has no payment to check."))
    return order_card_step(payment=payment_refresh(payment=payment))


def order_card_step(*, payment: Payment) -> CardStep:
    if payment.status == PaymentStatus.REQUIRES_ACTION:
        return CardStep(payment=payment, action_secret=card_action_secret(payment=payment))
    if payment.status == PaymentStatus.FAILED:
        failure = payment.events.filter(kind=PaymentEvent.Kind.FAILURE).last()
        message = failure.message if failure and failure.message else ""
        return CardStep(payment=payment, problem=message or _("The payment did not go through."))
    return CardStep(payment=payment)


def _attempt_for_card(*, order: Order) -> Payment:
    """The attempt a card pays: the newest while it is unspent, else a fresh one.

    An attempt being charged right now (a double submit) is returned as it is, so it is never
    charged twice; one stuck for longer than CARD_ATTEMPT_STUCK_SECONDS counts as spent. A
    fresh attempt replaces one that failed, or one left waiting for 3-D Secure (that one is
    cancelled at Stripe after commit). Only an order still awaiting payment gets one.
    """
    stuck_before = timezone.now() - timedelta(seconds=settings.CARD_ATTEMPT_STUCK_SECONDS)
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if not order_pays_in_browser(order=locked):
            raise CheckoutError(_("This order is not waiting for a payment."))
        # After a bounced e-check the order is paid by card instead.
        method = locked.payment_method
        if not get_provider(method).finishes_in_browser:
            method = PaymentMethod.CARD
        current = locked.payments.order_by("-pk").first()
        unspent = (
            current is not None
            and current.method == method
            and current.status == PaymentStatus.UNPAID
            and (current.started_at is None or current.started_at > stuck_before)
        )
        if unspent:
            return current
        declined = locked.payments.filter(status=PaymentStatus.FAILED).count()
        if declined >= settings.CARD_DECLINES_PER_ORDER:
            # Trying card after card on one order is how stolen cards are tested.
            raise CheckoutError(
                _(
                    "Too many cards were declined for this order. Please contact us, "
                    "or place the order again later."
                )
            )
        if current is not None and current.status in VOIDABLE:
            enqueue_on_commit("payments.void_payment", current.pk)
        return payment_create(
            order=locked,
            method=method,
            amount=locked.total,
            currency=locked.currency,
        )
