"""What one seeded order is and what became of it, as plain data (written by `write.py`).

A plan holds the order as bought and its story: status changes, money movements (abstract until
`money.py` turns them into payments, ledger rows and refunds), the parcel and a return. Every
step happens at its own time, and only steps up to `now` happen: an order placed an hour ago is
still on its way, one placed a minute ago may still await payment.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from orders.states import OrderStatus

from .catalog import Item


@dataclass(slots=True)
class Line:
    item: Item
    quantity: int
    unit_price: Decimal
    vat_rate: Decimal
    gross: Decimal
    discount: Decimal
    total: Decimal
    vat: Decimal


@dataclass(slots=True)
class Money:
    """A money movement of the order's payment: capture, refund, void, failure or bounce; for a
    tab order `money.py` makes a capture covered by the settlement or a refund off the tab."""

    kind: str
    at: datetime
    amount: Decimal
    reason: str = ""
    moves_cash: bool = True


@dataclass(slots=True)
class ShipmentPlan:
    carrier: int  # index into the carriers in use
    shipped_at: datetime
    status: str = "shipped"
    delivered_at: datetime | None = None
    # (status, happened_at, description) in order.
    events: list[tuple[str, datetime, str]] = field(default_factory=list)


@dataclass(slots=True)
class ReturnPlan:
    kind: str
    status: str
    reason_code: str
    reason: str
    # (index of the order line, quantity, amount)
    lines: list[tuple[int, int, Decimal]]
    amount: Decimal
    shipping_refund: Decimal
    requested_at: datetime
    decided_at: datetime | None = None
    received_at: datetime | None = None
    refunded_at: datetime | None = None
    staff_note: str = ""
    whole: bool = False


@dataclass(slots=True)
class Promise:
    ship_by: date
    start: date
    end: date
    days_min: int
    days_max: int


@dataclass(slots=True)
class ECheckPlan:
    authorized_at: datetime
    cleared_at: datetime | None = None
    bounced_at: datetime | None = None
    bounce_reason: str = ""


@dataclass(slots=True)
class Plan:
    n: int
    number: str
    user_id: int | None
    email: str
    placed_at: datetime
    method: str
    lines: list[Line]
    subtotal: Decimal
    shipping: Decimal
    vat: Decimal
    total: Decimal
    vat_breakdown: dict[str, str]
    status: str = OrderStatus.PENDING_PAYMENT
    cancel_reason: str = ""
    payment_status: str = ""
    accepted: bool = False
    # (from_status, to_status, at, note, kind)
    events: list[tuple[str, str, datetime, str, str]] = field(default_factory=list)
    money: list[Money] = field(default_factory=list)
    expires_at: datetime | None = None
    needs_review: bool = False
    review_note: str = ""
    promise: Promise | None = None
    shipment: ShipmentPlan | None = None
    ret: ReturnPlan | None = None
    echeck: ECheckPlan | None = None
    # A stored-value order's top-up just before it: (amount, at).
    top_up: tuple[Decimal, datetime] | None = None
    tab: object | None = None  # money.TabPlan for a micropayment order

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)
