"""What the order's page shows, worked out once from an order loaded with everything prefetched
(selectors.order_for_viewer(full=True)), so the page runs a fixed number of queries."""

import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from payments.models import Refund
from payments.states import PaymentMethod

from ..forms import RefundAccountForm
from ..links import download_token
from ..models import CreditNote, Order, OrderLine, Return, Shipment
from ..selectors.assistant import TOPIC_LABELS, order_topics
from ..selectors.cancelling import (
    CancelMoney,
    order_cancel_closed,
    order_cancel_preview,
    order_customer_may_cancel,
)
from ..selectors.returns import RETURNABLE_ORDER, withdrawal_ends_at
from ..states import COUNTS_AS_RETURNED, FINAL, OrderStatus

S = OrderStatus
PHYSICAL_PATH = (
    S.CONFIRMED,
    S.PREPARING,
    S.PACKED,
    S.SHIPPED,
    S.IN_TRANSIT,
    S.OUT_FOR_DELIVERY,
    S.DELIVERED,
)
DIGITAL_PATH = (S.CONFIRMED, S.DELIVERED)
EVENT_LABELS = {
    "delivery_problem": _("Delivery problem"),
    "downloads": _("Downloads ready"),
    "return_requested": _("Return requested"),
    "return_approved": _("Return claim approved"),
    "return_rejected": _("Return claim rejected"),
    "return_received": _("Returned items received"),
    "return_refunded": _("Return refunded"),
    "late": _("Running late: new delivery estimate"),
    # Exchanges (services/exchanges.py): each order's timeline names the other order.
    "return_cancelled": _("Return cancelled"),
    "exchange_requested": _("Exchange requested, new items in order"),
    "exchange_for": _("Exchange for the items of order"),
    "exchange_released": _("Exchange released for sending: the return arrived"),
    "exchange_cancelled": _("Exchange cancelled"),
    "exchange_refunded_in_full": _("Exchange dropped: the return is refunded in full"),
}
# Events whose note is the other order's number: the page links to it.
LINKED_EVENTS = frozenset({"exchange_requested", "exchange_for"})
RETURN_STEPS = (S.RETURN_REQUESTED, S.RETURNED)


@dataclass(frozen=True)
class Step:
    status: str
    label: str
    at: datetime | None
    done: bool
    current: bool


@dataclass(frozen=True)
class HistoryEntry:
    label: str
    at: datetime
    note: str
    kind: str
    link: str = ""  # the other order's page (an exchange), when the note names one


@dataclass(frozen=True)
class Download:
    name: str
    title: str
    url: str
    usable: bool
    left: int
    expires_at: datetime


@dataclass(frozen=True)
class Returnable:
    line: OrderLine
    left: int


@dataclass(frozen=True)
class RefundQuestion:
    """A cash refund waiting for an account nobody gave, with the form that asks for it."""

    refund: Refund
    form: RefundAccountForm


@dataclass(frozen=True)
class ReturnView:
    order_return: Return
    lines: list[tuple[str, int]]
    # "waiting", "on_its_way", "refunded" or "failed": the refund as the payment sees it.
    refund_state: str


class OrderPage:
    """The page's parts, each worked out once (the templates ask for most of them twice: "is
    there any", then each), from the order as loaded; nothing here writes to it (it may be the
    worker's kept copy)."""

    def __init__(self, order: Order, *, refund_form: RefundAccountForm | None = None) -> None:
        self.order = order
        # A refund form posted back with errors shows in place of its empty one.
        self.refund_form = refund_form
        self.events = list(order.events.all())
        self.lines = list(order.lines.all())
        self.is_final = order.status in FINAL
        self.refresh_seconds = settings.ORDER_PAGE_REFRESH_SECONDS
        # What the page's kept parts ({% chrome %}) are keyed by: the version of every row the
        # kept order shows (selectors.order_page_for_viewer), else a key used once.
        self.kept_version = getattr(order, "page_version", None) or secrets.token_hex(8)
        self.time_zone = timezone.get_current_timezone_name()  # the dates written

    @cached_property
    def steps(self) -> list[Step]:
        reached: dict[str, datetime] = {}
        for event in self.events:
            reached[event.to_status] = event.created_at
        if self.order.status == S.CANCELLED:
            path = [s for s in PHYSICAL_PATH if s in reached] + [S.CANCELLED]
        elif self.lines and all(line.is_digital for line in self.lines):
            path = (
                [S.PENDING_PAYMENT, *DIGITAL_PATH] if S.PENDING_PAYMENT in reached else DIGITAL_PATH
            )
        else:
            path = PHYSICAL_PATH
            if self.order.status == S.PENDING_PAYMENT:
                path = (S.PENDING_PAYMENT, *PHYSICAL_PATH)
        if self.order.status in RETURN_STEPS:
            path = (*path, self.order.status)
        position = path.index(self.order.status) if self.order.status in path else -1
        return [
            Step(
                status=status,
                label=str(S(status).label),
                at=reached.get(status),
                done=index <= position,
                current=index == position,
            )
            for index, status in enumerate(path)
        ]

    @cached_property
    def history(self) -> list[HistoryEntry]:
        entries = []
        for event in reversed(self.events):
            label = EVENT_LABELS.get(event.kind) or S(event.to_status).label
            link = ""
            if event.kind in LINKED_EVENTS and event.note:
                link = reverse("orders:confirmation", kwargs={"number": event.note})
            entries.append(
                HistoryEntry(
                    label=str(label),
                    at=event.created_at,
                    note=event.note_shown,
                    kind=event.kind,
                    link=link,
                )
            )
        return entries

    @cached_property
    def parcels(self) -> list[Shipment]:
        return list(self.order.shipments.all())

    @cached_property
    def payments(self) -> list:
        return list(self.order.payments.all())

    @cached_property
    def invoice(self):
        try:
            return self.order.invoice
        except Order.invoice.RelatedObjectDoesNotExist:
            return None

    @cached_property
    def downloads(self) -> list[Download]:
        found = []
        for line in self.lines:
            for link in line.download_links.all():
                found.append(
                    Download(
                        name=line.product_name,
                        title=link.file.title,
                        url=reverse(
                            "orders:download",
                            kwargs={"number": self.order.number, "token": download_token(link.pk)},
                        ),
                        usable=link.usable(),
                        left=max(link.max_downloads - link.download_count, 0),
                        expires_at=link.expires_at,
                    )
                )
        return found

    @cached_property
    def can_pay(self) -> bool:
        return (
            self.order.status == S.PENDING_PAYMENT
            and self.order.payment_method == PaymentMethod.CARD
        )

    # --- cancelling (templates/orders/_cancel.html) -----------------------------------------

    @cached_property
    def can_cancel(self) -> bool:
        return order_customer_may_cancel(order=self.order)

    @cached_property
    def cancel_preview(self) -> list[CancelMoney]:
        """What cancelling now does with each payment (from prefetched rows: no query)."""
        return order_cancel_preview(order=self.order) if self.can_cancel else []

    @property
    def cancel_closed(self) -> bool:
        """Packed or on its way: too late to cancel, the page says how to return it instead."""
        return order_cancel_closed(order=self.order)

    @property
    def withdrawal_days(self) -> int:
        return settings.WITHDRAWAL_DAYS

    # --- returns ---------------------------------------------------------------------------

    @cached_property
    def returns(self) -> list[ReturnView]:
        names = {line.pk: line.product_name for line in self.lines}
        found = []
        for order_return in self.order.returns.all():
            refund = order_return.refund
            if refund is None:
                state = "refunded" if order_return.status == "refunded" else "waiting"
            elif refund.status == Refund.Status.SUCCEEDED:
                state = "refunded"
            elif refund.status == Refund.Status.FAILED:
                state = "failed"
            else:
                state = "on_its_way"
            found.append(
                ReturnView(
                    order_return=order_return,
                    lines=[
                        (names.get(line.order_line_id, ""), line.quantity)
                        for line in order_return.lines.all()
                    ],
                    refund_state=state,
                )
            )
        return found

    @cached_property
    def refund_questions(self) -> list[RefundQuestion]:
        """Cash refunds waiting for a bank account nobody gave yet (from prefetched rows:
        each refund comes with its account, if any)."""
        found = []
        for payment in self.order.payments.all():
            if payment.method != PaymentMethod.COD:
                continue
            for refund in payment.refunds.all():
                if refund.status != Refund.Status.AWAITING_PAYOUT or hasattr(refund, "account"):
                    continue
                form = self.refund_form
                if form is None or form.prefix != f"refund-{refund.pk}":
                    form = RefundAccountForm(
                        refund_id=refund.pk, store_credit=self.order.user_id is not None
                    )
                found.append(RefundQuestion(refund=refund, form=form))
        return found

    @cached_property
    def credit_notes(self) -> list[CreditNote]:
        return list(self.order.credit_notes.all())

    @cached_property
    def delivered_at(self) -> datetime | None:
        for event in self.events:
            if event.to_status == S.DELIVERED:
                return event.created_at
        return None

    @cached_property
    def withdrawal_ends_at(self) -> datetime | None:
        return withdrawal_ends_at(self.delivered_at)

    @cached_property
    def withdrawal_open(self) -> bool:
        ends = self.withdrawal_ends_at
        return ends is not None and timezone.now() <= ends

    @cached_property
    def returnable(self) -> list[Returnable]:
        """The lines that may still come back, with how many units (from prefetched rows)."""
        if self.order.status not in RETURNABLE_ORDER:
            return []
        coming_back: dict[int, int] = {}
        for order_return in self.order.returns.all():
            if order_return.status in COUNTS_AS_RETURNED:
                for line in order_return.lines.all():
                    coming_back[line.order_line_id] = (
                        coming_back.get(line.order_line_id, 0) + line.quantity
                    )
        found = []
        for line in self.lines:
            left = line.quantity - coming_back.get(line.pk, 0)
            downloaded = line.is_digital and any(
                link.download_count > 0 for link in line.download_links.all()
            )
            if left > 0 and not downloaded:
                found.append(Returnable(line=line, left=left))
        return found

    @cached_property
    def can_return(self) -> bool:
        return bool(self.returnable)

    @cached_property
    def can_exchange(self) -> bool:
        """Within the period with an item that is not digital: the exchange page offers the
        sizes and colours in stock (or says there are none)."""
        return self.withdrawal_open and any(not item.line.is_digital for item in self.returnable)

    # --- the assistant (templates/orders/_assistant_entry.html) --------------------------------

    @cached_property
    def assistant_topics(self) -> list[tuple[str, str]]:
        """The questions the assistant answers about this order: (topic, button label)."""
        return [(topic, str(TOPIC_LABELS[topic])) for topic in order_topics(order=self.order)]
