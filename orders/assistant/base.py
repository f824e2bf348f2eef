"""What every answer of the assistant is made of: its text, source and date, and the dates
written as the order's page writes them."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from payments.models import Payment
from payments.states import PaymentStatus

from ..states import OrderStatus
from ..views.order_page import OrderPage

S = OrderStatus


@dataclass(frozen=True)
class Answer:
    """One answer: its text, what it rests on (`source`, `as_of`), a link, and the action the
    chat may offer next ("cancel": the order can be cancelled now; "return": the return page)."""

    topic: str
    text: str
    source: str
    as_of: datetime
    link: str = ""
    link_label: str = ""
    action: str = ""

    def meta(self) -> dict:
        """What a chat message keeps of it (JSON): the source and the date, shown beside it."""
        meta = {
            "source": self.source,
            "as_of": self.as_of.isoformat(),
            "as_of_shown": when(self.as_of),
        }
        if self.link:
            meta.update(link=self.link, link_label=self.link_label)
        if self.action:
            meta["action"] = self.action
        return meta


def when(moment: datetime) -> str:
    """A moment as the order's page writes it (its SHORT_DATETIME_FORMAT, local time)."""
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def day(moment: datetime) -> str:
    """A day as the order's page writes it (its SHORT_DATE_FORMAT, local time)."""
    return date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT")


def timeline() -> str:
    return _("order timeline")


def payment_record() -> str:
    return _("payment record")


def status_since(page: OrderPage) -> tuple[str, datetime]:
    """The current step's label and when it was reached (the timeline's date)."""
    for step in page.steps:
        if step.current and step.at is not None:
            return step.label, step.at
    order = page.order
    return str(S(order.status).label), order.placed_at


def bounced_payment(page: OrderPage) -> Payment | None:
    """The order's e-check that bounced, if any (from the page's loaded payments)."""
    for payment in page.payments:
        if payment.status == PaymentStatus.BOUNCED:
            return payment
    return None
