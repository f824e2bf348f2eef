"""A small shop's seven weeks made through the real services, for the dashboard's correctness
tests (`seed_orders` makes the bulk data; this makes the awkward cases, each on purpose):

- cash on delivery collected a day after placement, and cash never collected;
- card orders paid on the fake Stripe server, one partly refunded days later, one the same day
  (amount, order total and VAT all whole numbers) and one today;
- micropayment tab orders on two days, settled in one charge on a third (the settlement is a
  payment without an order: its orders' own capture rows count, once);
- a balance top-up paid by card (not revenue) and an order paid from that balance;
- an e-check cleared days after placement, and one that bounced;
- an order cancelled by its customer and a card order that expired unpaid;
- a guest who orders twice, the email in another letter case the second time;
- an order placed at 00:30 Istanbul on 1 April (still 31 March in UTC);
- today's orders (2026-05-12, a Tuesday, "now" 15:00) and the same weekday a week before
  with orders before and after 15:00.

`generate(stripe_url=..., on_time=...)` walks the clock forward with time_machine and calls
`on_time(previous, now)` at every move (the rollup jobs' test refreshes there, day by day).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.test import TestCase, override_settings
from django.utils import timezone

from crm.customer360.stats import customer_stats_refresh
from crm.segments.rfm import rfm_refresh
from orders import services
from orders.models import Carrier, Order
from orders.states import CancelReason
from orders.tasks import expire_unpaid_orders, poll_carriers
from payments.methods.card.services import card_customer_for, card_pay, card_setup_intent
from payments.models import Payment, Tab
from payments.services import (
    CheckDetails,
    balance_top_up_create,
    echeck_bounce,
    echeck_clear,
    payment_collect_cash,
    payment_refund,
    tab_settle,
)
from shop.models import User
from tests.factories import StaffFactory, UserFactory
from tests.orders.fulfilment_helpers import simulated_carrier
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant
from tests.payments.browser_stand_in import confirm_card_setup
from tests.payments.test_wallet_and_tab import save_card

ISTANBUL = ZoneInfo("Europe/Istanbul")
# "Now" for the tests that read the generated shop: Tuesday 12 May 2026, 15:00 in Istanbul.
NOW = datetime(2026, 5, 12, 15, 0, tzinfo=ISTANBUL)
FIRST = datetime(2026, 3, 27, 10, 0, tzinfo=ISTANBUL)
GUEST_EMAIL = "Misafir.Bir@Example.com"
TAB_SETTINGS = {
    "TAB_ORDER_LIMIT": "50.00",
    "TAB_CREDIT_LIMIT": "300.00",
    "TAB_SETTLE_THRESHOLD": "1000.00",  # settled by hand on a later day, not at a threshold
}
IBAN = "TR33 0006 1005 1978 6457 8413 26"


def at(text: str) -> datetime:
    """'2026-04-01 00:30' in Istanbul, as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=ISTANBUL)


@dataclass
class GeneratedShop:
    orders: dict[str, Order] = field(default_factory=dict)
    customers: dict[str, User] = field(default_factory=dict)
    # Every moment the clock stood at, in order (the last is NOW).
    moments: list[datetime] = field(default_factory=list)

    def order(self, name: str) -> Order:
        return Order.objects.get(pk=self.orders[name].pk)


class Clock:
    """Frozen time that only moves forward, telling `on_time` at each move."""

    def __init__(self, on_time: Callable[[datetime, datetime], None]) -> None:
        self.on_time = on_time
        self.now = FIRST
        self.traveller = time_machine.travel(FIRST, tick=False)
        self.moments: list[datetime] = [FIRST]

    def __enter__(self) -> "Clock":
        self.coordinates = self.traveller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.traveller.stop()

    def to(self, moment: datetime) -> None:
        assert moment > self.now, "the clock only moves forward"
        previous, self.now = self.now, moment
        self.coordinates.move_to(moment)
        self.moments.append(moment)
        self.on_time(previous, moment)


def _on_commit():
    """Run the work queued on commit (messages, eager Celery tasks) as after a real commit."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def _echeck(holder: str) -> CheckDetails:
    return CheckDetails(account_holder=holder, iban=IBAN, signer_name=holder, authorized=True)


def _card_paid(stripe_url: str, order: Order, user: User | None) -> Order:
    """The shopper enters a card in the browser; the server charges it (fake Stripe)."""
    payment = order.payments.order_by("-pk").first()
    customer = card_customer_for(user=user) if user else card_customer_for(order=order)
    setup = card_setup_intent(customer_id=customer, order_number=order.number)
    confirm_card_setup(stripe_url, setup.setup_intent_id, "visa")
    card_pay(payment=payment, setup_intent_id=setup.setup_intent_id, customer_id=customer)
    order = Order.objects.get(pk=order.pk)
    assert order.payment_status == "paid", order.payment_status
    return order


def _started(order: Order) -> Order:
    with _on_commit():
        services.checkout_payment_start(order=order)
    return Order.objects.get(pk=order.pk)


def _deliver_and_collect(order: Order, carrier: Carrier) -> Order:
    for step in ("preparing", "packed"):
        services.order_step(order=order, to=step)
    services.order_ship(order=order, carrier=carrier, tracking_number=f"AN-{order.pk}")
    for _ in range(3):
        poll_carriers()
    payment = order.payments.order_by("-pk").first()
    payment_collect_cash(payment=payment, amount=payment.amount, by=StaffFactory())
    order = Order.objects.get(pk=order.pk)
    assert order.payment_status == "paid", order.payment_status
    return order


def generate(
    *,
    stripe_url: str,
    on_time: Callable[[datetime, datetime], None] = lambda previous, now: None,
) -> GeneratedShop:
    """Make the shop's orders and money moves (module docstring); ends with the clock at NOW,
    customer figures and RFM groups refreshed, and time unfrozen."""
    shop = GeneratedShop()
    with (
        override_settings(
            STRIPE_API_BASE=stripe_url,
            STRIPE_JS_URL=f"{stripe_url}/js.stripe.com/v3/",
            **TAB_SETTINGS,
        ),
        Clock(on_time) as clock,
    ):
        _generate(shop, clock, stripe_url)
        customer_stats_refresh()
        rfm_refresh()
        shop.moments = clock.moments
    return shop


def _generate(shop: GeneratedShop, clock: Clock, stripe_url: str) -> None:
    shipping_setup(price=Decimal("10.00"))
    carrier = simulated_carrier()
    o, c = shop.orders, shop.customers
    for name in ("alice", "bob", "carol", "dave", "eve", "frank"):
        c[name] = UserFactory(verified=True, email=f"{name}@example.com")
    shirt = stocked_variant(price="110.00", on_hand=100)
    mug = stocked_variant(price="37.45", on_hand=100)
    song = stocked_variant(price="19.99", on_hand=0, product__kind="digital")

    # Friday 27 March: the March cohort.
    o["alice_cod"] = _started(place(cart_with((shirt, 1), user=c["alice"])))
    o["guest_first"] = _started(place(cart_with((mug, 2)), email=GUEST_EMAIL))  # never collected
    clock.to(at("2026-03-27 23:40"))
    o["bob_card"] = place(cart_with((shirt, 2), user=c["bob"]), payment_method="card")
    o["bob_card"] = _card_paid(stripe_url, o["bob_card"], c["bob"])

    # Wednesday 1 April, 00:30 in Istanbul (31 March in UTC): the April cohort begins.
    clock.to(at("2026-04-01 00:30"))
    o["carol_card"] = place(cart_with((mug, 1), user=c["carol"]), payment_method="card")
    o["carol_card"] = _card_paid(stripe_url, o["carol_card"], c["carol"])
    clock.to(at("2026-04-01 10:00"))
    o["alice_cod"] = _deliver_and_collect(o["alice_cod"], carrier)
    o["alice_echeck"] = _started(
        place(
            cart_with((mug, 3), user=c["alice"]),
            payment_method="echeck",
            payment_details=_echeck("Alice Example"),
        )
    )
    save_card(stripe_url, c["dave"])
    o["dave_tab_1"] = place(cart_with((song, 2), user=c["dave"]), payment_method="micropayment")
    o["eve_echeck"] = _started(
        place(
            cart_with((shirt, 1), user=c["eve"]),
            payment_method="echeck",
            payment_details=_echeck("Eve Example"),
        )
    )
    o["bob_cancelled"] = _started(place(cart_with((mug, 1), user=c["bob"])))
    with _on_commit():
        services.order_transition(
            order=o["bob_cancelled"],
            to="cancelled",
            note="Müşteri vazgeçti",
            cancel_reason=CancelReason.CUSTOMER,
        )
    o["frank_expired"] = place(cart_with((shirt, 1), user=c["frank"]), payment_method="card")
    clock.to(at("2026-04-01 11:00"))
    with _on_commit():
        assert expire_unpaid_orders() == 1

    # Monday 6 April: an e-check clears, another bounces; a top-up and a balance order; the
    # first card order is partly refunded.
    clock.to(at("2026-04-06 11:00"))
    staff = StaffFactory()
    with _on_commit():
        echeck_clear(payment=o["alice_echeck"].payments.get(), by=staff)
        echeck_bounce(payment=o["eve_echeck"].payments.get(), reason="Karşılıksız", by=staff)
    o["dave_tab_2"] = place(cart_with((song, 1), user=c["dave"]), payment_method="micropayment")
    top_up = balance_top_up_create(user=c["carol"], amount=Decimal("200.00"))
    customer = card_customer_for(user=c["carol"])
    setup = card_setup_intent(customer_id=customer, order_number="top-up")
    confirm_card_setup(stripe_url, setup.setup_intent_id, "visa")
    with _on_commit():
        card_pay(payment=top_up, setup_intent_id=setup.setup_intent_id, customer_id=customer)
    o["carol_balance"] = place(cart_with((mug, 2), user=c["carol"]), payment_method="stored_value")
    clock.to(at("2026-04-06 16:20"))
    with _on_commit():
        payment_refund(
            payment=o["bob_card"].payments.get(), amount=Decimal("50.00"), reason="Goodwill"
        )

    # Wednesday 15 April: the tab is settled in one charge; the guest orders again.
    clock.to(at("2026-04-15 09:00"))
    with _on_commit():
        settlement = tab_settle(tab_id=Tab.objects.get(user=c["dave"]).pk)
    assert settlement is not None and settlement.status == "paid", settlement
    o["guest_second"] = _started(place(cart_with((shirt, 1)), email=GUEST_EMAIL.lower()))

    # Tuesday 5 May (a week before today): orders before and after 15:00.
    clock.to(at("2026-05-05 09:15"))
    o["alice_card"] = place(cart_with((shirt, 1), user=c["alice"]), payment_method="card")
    o["alice_card"] = _card_paid(stripe_url, o["alice_card"], c["alice"])
    clock.to(at("2026-05-05 10:00"))
    with _on_commit():  # whole numbers all through: 50 × 20 ÷ 120 is no whole number
        payment_refund(
            payment=o["alice_card"].payments.get(), amount=Decimal("50.00"), reason="Goodwill"
        )
    clock.to(at("2026-05-05 14:59"))
    o["dave_cod"] = _started(place(cart_with((mug, 1), user=c["dave"])))
    clock.to(at("2026-05-05 17:30"))
    o["frank_cod"] = _started(place(cart_with((shirt, 3), user=c["frank"])))

    # Today, Tuesday 12 May, until 15:00.
    clock.to(at("2026-05-12 08:10"))
    o["bob_cod_today"] = _started(place(cart_with((mug, 4), user=c["bob"])))
    clock.to(at("2026-05-12 11:45"))
    o["carol_card_today"] = place(cart_with((shirt, 1), user=c["carol"]), payment_method="card")
    o["carol_card_today"] = _card_paid(stripe_url, o["carol_card_today"], c["carol"])
    clock.to(at("2026-05-12 13:30"))
    with _on_commit():
        payment_refund(
            payment=o["carol_card_today"].payments.get(),
            amount=Decimal("33.33"),
            reason="Goodwill",
        )
    clock.to(NOW)
    for name, order in o.items():
        o[name] = Order.objects.get(pk=order.pk)
    assert Payment.objects.filter(purpose="top_up", status="paid").count() == 1


def day_moves(previous: datetime, now: datetime) -> list[datetime]:
    """The nightly job's runs (03:00 Istanbul) between two moments of the clock."""
    runs = []
    day = timezone.localtime(previous, ISTANBUL).date() + timedelta(days=1)
    while True:
        run = datetime(day.year, day.month, day.day, 3, 0, tzinfo=ISTANBUL)
        if run > now:
            return runs
        runs.append(run)
        day += timedelta(days=1)
