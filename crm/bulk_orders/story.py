"""One order's story from its own random stream: what was bought, how it was paid, and what
happened next (cancelled, shipped with a carrier's events, delivered late or on time, refused at
the door, returned in whole or in part, a return claim rejected), each step at its own time and
only up to `now`.

The steps follow the services' rules: a card, wallet or prepaid balance pays at placement (a
cancellation gives the money back); cash on delivery is captured when collected at the door (a
refused parcel comes back, the order is cancelled `refused`, its payment voided); an e-check
clears after ECHECK_CLEARING_DAYS (nothing ships before) or bounces (the order held for review,
then cancelled by the shop); a tab order waits on the customer's tab (money.py settles it).
"""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_noop

from orders.states import CancelReason, OrderStatus, ReturnKind, ReturnReason, ReturnStatus
from orders.totals import ChargeInput, LineInput, calculate_totals
from payments.states import PaymentMethod
from shop.money import to_money

from .catalog import Shelf
from .plan import ECheckPlan, Line, Money, Plan, Promise, ReturnPlan, ShipmentPlan
from .shape import Clock

S = OrderStatus
M = PaymentMethod
SHIPPING = Decimal("49.90")
FREE_SHIPPING_ABOVE = Decimal("750.00")
# How a registered customer pays (a guest: card or cash on delivery only).
METHODS = [
    (40, M.CARD),
    (20, M.COD),
    (12, M.WALLET),
    (8, M.STORED_VALUE),
    (6, M.ECHECK),
    (8, M.MICROPAYMENT),
]
GUEST_METHODS = [(70, M.CARD), (30, M.COD)]
# 2.65 lines a basket on average: with the one-line tab orders, 2.5 lines an order.
LINE_COUNTS = (1, 1, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4)
QUANTITIES = (1, 1, 1, 1, 2, 2, 3)
# (weight, carrier's transit days min, max): a fast, a middling and a slow carrier.
CARRIER_WEIGHTS = (45, 35, 20)
TRANSIT_DAYS = ((1, 2), (1, 3), (1, 4))
REASONS = [
    (30, ReturnReason.WRONG_SIZE),
    (24, ReturnReason.CHANGED_MIND),
    (10, ReturnReason.WRONG_COLOUR),
    (10, ReturnReason.DAMAGED),
    (10, ReturnReason.NOT_AS_DESCRIBED),
    (5, ReturnReason.WRONG_ITEM),
    (5, ReturnReason.LATE),
    (6, ReturnReason.OTHER),
]
REASON_TEXTS = ["", "Bedeni uymadı.", "Renk fotoğraftakinden farklı.", "Changed my mind."]


def weighted(rng: random.Random, choices: list[tuple[int, object]]) -> object:
    return rng.choices([c for _w, c in choices], weights=[w for w, _c in choices])[0]


def minutes(a: int, b: int, rng: random.Random) -> timedelta:
    """Between a and b minutes (random() is several times quicker than randint())."""
    return timedelta(minutes=a + int(rng.random() * (b - a + 1)))


class Story:
    """Writes the plan's steps, each only if it happened by `now`."""

    def __init__(self, plan: Plan, now: datetime) -> None:
        self.plan, self.now = plan, now

    def step(self, to: str, at: datetime, note: str = "", kind: str = "") -> bool:
        if at > self.now:
            return False
        plan = self.plan
        plan.events.append((plan.status, to, at, note, kind))
        plan.status = to
        return True

    def money(self, kind: str, at: datetime, amount: Decimal, reason: str = "") -> bool:
        if at > self.now:
            return False
        self.plan.money.append(Money(kind, at, amount, reason))
        return True

    def parcel(self, status: str, at: datetime, description: str) -> bool:
        shipment = self.plan.shipment
        if shipment is None or at > self.now:
            return False
        shipment.events.append((status, at, description))
        shipment.status = status
        if status == "delivered":
            shipment.delivered_at = at
        return True

    def cancel(self, reason: str, at: datetime, note: str) -> bool:
        if not self.step(S.CANCELLED, at, note):
            return False
        self.plan.cancel_reason = reason
        return True


def order_plan(
    *,
    n: int,
    number: str,
    rng: random.Random,
    user_id: int | None,
    email: str,
    placed_at: datetime,
    shelf: Shelf,
    tab_allowed: bool,
    clock: Clock,
) -> Plan:
    method = weighted(rng, METHODS if user_id is not None else GUEST_METHODS)
    if method == M.MICROPAYMENT and not (tab_allowed and shelf.small):
        method = M.CARD
    if method == M.MICROPAYMENT:
        bought, quantities, charges = [rng.choice(shelf.small)], [1], []
    else:
        bought = shelf.pick(rng, rng.choice(LINE_COUNTS))
        quantities = [rng.choice(QUANTITIES) for _ in bought]
    prices = [item.price_at(placed_at) for item in bought]
    if method != M.MICROPAYMENT:
        items_total = sum((p * q for p, q in zip(prices, quantities, strict=True)), Decimal(0))
        charges = [] if items_total >= FREE_SHIPPING_ABOVE else [ChargeInput("shipping", SHIPPING)]
    totals = calculate_totals(
        lines=[
            LineInput(key=str(i), unit_price=price, quantity=q, vat_rate=item.vat_rate)
            for i, (item, price, q) in enumerate(zip(bought, prices, quantities, strict=True))
        ],
        charges=charges,
    )
    plan = Plan(
        n=n,
        number=number,
        user_id=user_id,
        email=email,
        placed_at=placed_at,
        method=method,
        lines=[
            Line(item, t.quantity, t.unit_price, t.vat_rate, t.gross, t.discount, t.total, t.vat)
            for item, t in zip(bought, totals.lines, strict=True)
        ],
        subtotal=totals.subtotal,
        shipping=totals.shipping,
        vat=totals.vat,
        total=totals.total,
        vat_breakdown={str(k): str(v) for k, v in totals.vat_by_rate.items()},
        expires_at=placed_at + timedelta(hours=1),
        promise=_promise(placed_at, clock),
    )
    _tell(plan, rng, clock)
    return plan


def _promise(placed_at: datetime, clock: Clock) -> Promise:
    """Standard delivery: ships the next working day, arrives 2–4 days after shipping."""
    ship_by = clock.local_date(placed_at) + timedelta(days=1)
    if ship_by.weekday() == 6:
        ship_by += timedelta(days=1)
    return Promise(ship_by, ship_by + timedelta(days=2), ship_by + timedelta(days=4), 2, 4)


def _tell(plan: Plan, rng: random.Random, clock: Clock) -> None:
    story, t0, method, total = Story(plan, clock.now), plan.placed_at, plan.method, plan.total
    accepted_at = t0 + minutes(1, 4, rng)
    if method in (M.CARD, M.WALLET):
        roll = rng.random()
        if roll < 0.05:  # never paid: expired when its hour was up
            note = gettext_noop("Payment was not completed in time.")
            story.cancel(CancelReason.EXPIRED, plan.expires_at, note)
            return
        if roll < 0.09 and story.money("failure", t0 + minutes(1, 3, rng), total, "Declined."):
            note = gettext_noop("Payment failed.")
            story.cancel(CancelReason.PAYMENT_FAILED, t0 + minutes(4, 9, rng), note)
            return
        story.money("capture", accepted_at, total)
    elif method == M.STORED_VALUE:
        plan.top_up = (_top_up_amount(total, rng), t0 - minutes(5, 180, rng))
        story.money("capture", accepted_at, total)
    elif method == M.ECHECK:
        plan.echeck = ECheckPlan(authorized_at=t0)
    if not story.step(S.CONFIRMED, accepted_at):
        return
    plan.accepted = True
    ready = accepted_at
    if method == M.ECHECK:
        if rng.random() < 0.12:
            _bounce(plan, story, rng, accepted_at)
            return
        ready = accepted_at + timedelta(days=settings.ECHECK_CLEARING_DAYS) + minutes(30, 600, rng)
    if rng.random() < 0.06:
        _cancel_before_shipping(plan, story, rng, accepted_at)
        return
    if method == M.ECHECK:
        if not story.money("capture", ready, total):
            return
        plan.echeck.cleared_at = ready
    prepared = ready + minutes(60, 18 * 60, rng)
    packed = prepared + minutes(60, 6 * 60, rng)
    shipped = packed + minutes(120, 30 * 60, rng)
    if rng.random() < 0.08:  # a busy week: it leaves days late
        shipped += minutes(2 * 24 * 60, 4 * 24 * 60, rng)
    if not (story.step(S.PREPARING, prepared) and story.step(S.PACKED, packed)):
        return
    delivered = _ship(plan, story, rng, clock, shipped)
    if delivered is not None and rng.random() < 0.12:
        _return(plan, story, rng, delivered)


def _top_up_amount(total: Decimal, rng: random.Random) -> Decimal:
    """A round sum at least the order's total (the balance never goes below zero)."""
    hundreds = int(total // 100) + 1 + rng.choice((0, 0, 1, 2))
    return Decimal(hundreds * 100)


def _bounce(plan: Plan, story: Story, rng: random.Random, accepted_at: datetime) -> None:
    at = accepted_at + minutes(20 * 60, 70 * 60, rng)
    reason = rng.choice(("Insufficient funds.", "Account closed.", "Signature mismatch."))
    if not story.money("bounce", at, plan.total, reason):
        return
    plan.echeck.bounced_at, plan.echeck.bounce_reason = at, reason
    plan.needs_review = True
    plan.review_note = "The e-check bounced; the order waits for another payment."
    # Nobody paid another way: the shop cancels it after a few days.
    story.cancel(CancelReason.STAFF, at + minutes(3 * 24 * 60, 8 * 24 * 60, rng), "")


def _cancel_before_shipping(
    plan: Plan, story: Story, rng: random.Random, accepted_at: datetime
) -> None:
    reason = CancelReason.CUSTOMER if rng.random() < 0.65 else CancelReason.STAFF
    at = accepted_at + minutes(30, 20 * 60, rng)
    if not story.cancel(reason, at, ""):
        return
    if plan.money:  # taken at placement (card, wallet, balance): given back in full
        story.money("refund", at + minutes(1, 5, rng), plan.total, "cancelled")
    else:  # cash due, an e-check clearing, an order on the tab: nothing taken, voided
        story.money("void", at, plan.total)


def _ship(
    plan: Plan, story: Story, rng: random.Random, clock: Clock, shipped: datetime
) -> datetime | None:
    """The parcel's road; returns when it was delivered (None: not yet, or never)."""
    carrier = rng.choices(range(3), weights=CARRIER_WEIGHTS)[0]
    plan.shipment = ShipmentPlan(carrier=carrier, shipped_at=shipped)
    if not (story.step(S.SHIPPED, shipped) and story.parcel("shipped", shipped, "")):
        plan.shipment = None
        return None
    moving = shipped + minutes(3 * 60, 14 * 60, rng)
    if not (story.parcel("in_transit", moving, "") and story.step(S.IN_TRANSIT, moving)):
        return None
    low, high = TRANSIT_DAYS[carrier]
    day = clock.local_date(moving) + timedelta(days=rng.randint(low, high))
    out = max(
        clock.at_local(day, rng.randint(8, 11), rng.randrange(60)), moving + minutes(60, 90, rng)
    )
    failed = rng.choices((0, 1, 2), weights=(85, 11, 4))[0]
    refused = plan.method == M.COD and rng.random() < 0.07
    while True:
        if not (story.parcel("out_for_delivery", out, "") and story.step(S.OUT_FOR_DELIVERY, out)):
            return None
        if refused:
            _refused(plan, story, rng, out)
            return None
        if failed:
            failed -= 1
            note = gettext_noop("Delivery attempt failed: nobody at the address.")
            missed = out + minutes(120, 360, rng)
            if not (
                story.parcel("exception", missed, note)
                and story.step(S.IN_TRANSIT, missed, note, "delivery_problem")
            ):
                return None
            day = clock.local_date(missed) + timedelta(days=1)
            out = clock.at_local(day, rng.randint(8, 11), rng.randrange(60))
            continue
        delivered = out + minutes(40, 7 * 60, rng)
        if not (story.parcel("delivered", delivered, "") and story.step(S.DELIVERED, delivered)):
            return None
        if plan.method == M.COD:  # the courier collected the cash at the door
            story.money("capture", delivered, plan.total)
        return delivered


def _refused(plan: Plan, story: Story, rng: random.Random, out: datetime) -> None:
    """Cash on delivery refused at the door: the parcel goes back, the order is cancelled."""
    note = gettext_noop("Refused at the door: cash on delivery not paid.")
    at = out + minutes(30, 5 * 60, rng)
    if not (
        story.parcel("exception", at, note)
        and story.step(S.IN_TRANSIT, at, note, "delivery_problem")
    ):
        return
    back = at + minutes(24 * 60, 3 * 24 * 60, rng)
    if story.parcel("returned", back, gettext_noop("Returned to sender.")):
        # As orders.services.fulfilment cancels it once every parcel came back.
        story.cancel(
            CancelReason.REFUSED, back, gettext_noop("Every parcel was returned to sender.")
        )
        story.money("void", back, plan.total)


def _return(plan: Plan, story: Story, rng: random.Random, delivered: datetime) -> None:
    roll = rng.random()
    if roll < 0.12:  # a defect claim the shop rejected
        requested = delivered + minutes(15 * 24 * 60, 60 * 24 * 60, rng)
        plan.ret = ReturnPlan(
            kind=ReturnKind.DEFECT,
            status=ReturnStatus.REQUESTED,
            reason_code=rng.choice((ReturnReason.DAMAGED, ReturnReason.NOT_AS_DESCRIBED)),
            reason="Stopped working after two weeks.",
            lines=[(0, 1, _share(plan, 0, 1))],
            amount=_share(plan, 0, 1),
            shipping_refund=Decimal(0),
            requested_at=requested,
        )
        if not story.step(S.RETURN_REQUESTED, requested):
            plan.ret = None
            return
        decided = requested + minutes(24 * 60, 4 * 24 * 60, rng)
        if story.step(S.DELIVERED, decided):
            plan.ret.status, plan.ret.decided_at = ReturnStatus.REJECTED, decided
            plan.ret.staff_note = "Wear from use, not a defect."
        return
    whole = plan.units == 1 or roll < 0.55
    if whole:
        lines = [(i, line.quantity, line.total) for i, line in enumerate(plan.lines)]
        amount, shipping_refund = plan.total, plan.shipping
    else:
        index = rng.randrange(len(plan.lines))
        line = plan.lines[index]
        quantity = rng.randint(1, line.quantity)
        if len(plan.lines) == 1 and quantity == line.quantity:
            quantity -= 1
        lines = [(index, quantity, _share(plan, index, quantity))]
        amount, shipping_refund = lines[0][2], Decimal(0)
    requested = delivered + minutes(60, 10 * 24 * 60, rng)
    plan.ret = ReturnPlan(
        kind=ReturnKind.WITHDRAWAL,
        status=ReturnStatus.APPROVED,
        reason_code=weighted(rng, REASONS),
        reason=rng.choice(REASON_TEXTS),
        lines=lines,
        amount=amount,
        shipping_refund=shipping_refund,
        requested_at=requested,
        decided_at=requested,
        whole=whole,
    )
    if not story.step(S.RETURN_REQUESTED, requested):
        plan.ret = None
        return
    received = requested + minutes(2 * 24 * 60, 6 * 24 * 60, rng)
    if received > story.now:
        return
    plan.ret.status, plan.ret.received_at = ReturnStatus.RECEIVED, received
    refunded = received + minutes(120, 40 * 60, rng)
    if story.money("refund", refunded, amount, "return"):
        plan.ret.status, plan.ret.refunded_at = ReturnStatus.REFUNDED, refunded
        story.step(S.RETURNED if whole else S.DELIVERED, refunded)


def _share(plan: Plan, index: int, quantity: int) -> Decimal:
    """What `quantity` units of a line refund: their share of the line's paid total."""
    line = plan.lines[index]
    return to_money(line.total * quantity / line.quantity)
