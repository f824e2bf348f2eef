"""The "where is my order" assistant's answers, worked out from the same `OrderPage` the order's
page shows, so the chat and the page never disagree. The chat (crm) asks; orders answers.

Each answer is plain text in the active language with the date and the source of the fact it
rests on (the timeline's event, the carrier's event, the refund row), and at most one link.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from payments.models import Refund
from payments.states import PaymentMethod, PaymentStatus
from shop.dates import day_span
from shop.money import format_money

from .models import Order
from .selectors.assistant import (  # the topics: re-exported for the chat
    CANCEL,
    REFUND,
    RETURN,
    TOPIC_LABELS,
    TOPICS,
    WHERE,
    order_topics,
)
from .selectors.cancelling import CancelMoney
from .selectors.orders import _full
from .states import OrderStatus
from .views.order_page import OrderPage

S = OrderStatus
__all__ = [
    "CANCEL",
    "REFUND",
    "RETURN",
    "TOPICS",
    "TOPIC_LABELS",
    "WHERE",
    "Answer",
    "cancel_preview_text",
    "order_answer",
    "order_for_answers",
    "order_topics",
]
_CARD_METHODS = frozenset({PaymentMethod.CARD, PaymentMethod.WALLET, PaymentMethod.MICROPAYMENT})

# What the cancel preview says of each payment: the order page's own sentences (_cancel.html).
_CANCEL_WORDS = {
    "card_refund": gettext_lazy(
        "%(amount)s goes back to the card you paid with. Your bank shows it within %(days)s "
        "business days."
    ),
    "saved_card_refund": gettext_lazy(
        "%(amount)s goes back to the saved card you paid with. Your bank shows it within "
        "%(days)s business days."
    ),
    "tab_card_refund": gettext_lazy(
        "%(amount)s goes back to the card your tab was charged to. Your bank shows it within "
        "%(days)s business days."
    ),
    "balance_refund": gettext_lazy("%(amount)s goes back to your prepaid balance at once."),
    "transfer_refund": gettext_lazy(
        "%(amount)s is paid back by bank transfer to the account your e-check was drawn on, "
        "within %(days)s business days."
    ),
    "card_release": gettext_lazy(
        "The %(amount)s held on your card is released at once; your bank may take a few days "
        "to show it."
    ),
    "tab_off": gettext_lazy("%(amount)s comes off your tab at once: it will not be charged."),
    "echeck_void": gettext_lazy(
        "Your e-check for %(amount)s is cancelled at once and will not be collected."
    ),
    "cod_nothing": gettext_lazy(
        "You have paid nothing yet, so there is nothing to refund: the %(amount)s due at "
        "delivery will not be collected."
    ),
}


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


def _timeline() -> str:
    return _("order timeline")


def _payment_record() -> str:
    return _("payment record")


def order_for_answers(*, order_id: int) -> Order | None:
    """The order with everything its page shows, in the page's fixed number of queries."""
    return _full(Order.objects.filter(pk=order_id)).first()


def order_answer(*, order: Order, topic: str) -> Answer | None:
    """The answer to one topic for an order loaded by `order_for_answers`; None if unknown."""
    page = OrderPage(order)
    builders = {WHERE: _where, CANCEL: _cancel, RETURN: _return, REFUND: _refund}
    builder = builders.get(topic)
    return builder(page) if builder is not None else None


def cancel_preview_text(page: OrderPage) -> str:
    """What cancelling now does with the money, in the order page's words."""
    return " ".join(_money_words(item) for item in page.cancel_preview)


def _money_words(item: CancelMoney) -> str:
    words = _CANCEL_WORDS.get(item.kind)
    if words is None:
        return _("Nothing has been charged, so there is nothing to refund.")
    return str(words) % {
        "amount": format_money(item.amount, item.currency),
        "days": item.business_days,
    }


# --- where is my order ---------------------------------------------------------------------


def _status_since(page: OrderPage) -> tuple[str, datetime]:
    """The current step's label and when it was reached (the timeline's date)."""
    for step in page.steps:
        if step.current and step.at is not None:
            return step.label, step.at
    order = page.order
    return str(S(order.status).label), order.placed_at


def _promise(order: Order) -> str:
    if not order.promise_open:
        return ""
    promised = day_span(order.promised_from, order.promised_to)
    if order.estimated_to:
        return _(
            "It is running late: it should now arrive by %(estimate)s (we had promised "
            "%(promised)s)."
        ) % {"estimate": day_span(order.estimated_to), "promised": promised}
    return _("It should arrive %(promised)s.") % {"promised": promised}


def _bounced(page: OrderPage):
    for payment in page.payments:
        if payment.status == PaymentStatus.BOUNCED:
            return payment
    return None


def _where(page: OrderPage) -> Answer:
    order = page.order
    label, since = _status_since(page)
    number = order.number
    bounced = _bounced(page)
    if bounced is not None and order.status in (S.CONFIRMED, S.PREPARING, S.PACKED):
        text = _(
            "Order %(number)s is on hold: your e-check of %(amount)s bounced on %(date)s, so we "
            "cannot send it until it is paid. You can pay another way on the payment page."
        ) % {
            "number": number,
            "amount": format_money(bounced.amount, bounced.currency),
            "date": when(bounced.updated_at),
        }
        return Answer(
            WHERE,
            text,
            _payment_record(),
            bounced.updated_at,
            link=reverse("orders:pay", kwargs={"number": number}),
            link_label=_("Pay for the order"),
        )
    if order.status == S.CANCELLED:
        text = _("Order %(number)s was cancelled on %(date)s.") % {
            "number": number,
            "date": when(since),
        }
        return Answer(WHERE, text, _timeline(), since)
    if order.status == S.PENDING_PAYMENT:
        text = _("Order %(number)s is waiting for your payment (placed %(date)s).") % {
            "number": number,
            "date": when(since),
        }
        return Answer(WHERE, text, _timeline(), since)
    latest = _latest_parcel_event(page)
    if order.status in (S.SHIPPED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY) and page.parcels:
        return _on_the_road(page, latest)
    text = _("Order %(number)s: %(status)s since %(date)s.") % {
        "number": number,
        "status": label,
        "date": when(since),
    }
    if order.status == S.DELIVERED:
        text = _("Order %(number)s was delivered on %(date)s.") % {
            "number": number,
            "date": when(since),
        }
        if page.withdrawal_open and page.can_return:
            text += " " + _("You can return it until %(date)s.") % {
                "date": day(page.withdrawal_ends_at)
            }
    elif order.status in (S.CONFIRMED, S.PREPARING, S.PACKED):
        if order.promised_ship_by and order.status != S.PACKED:
            text += " " + _("We hand it to the carrier by %(day)s.") % {
                "day": day_span(order.promised_ship_by)
            }
        promise = _promise(order)
        if promise:
            text += " " + promise
    return Answer(WHERE, text, _timeline(), since)


def _latest_parcel_event(page: OrderPage):
    """(parcel, its newest applied carrier event) of the parcel heard from last, or None."""
    found = None
    for parcel in page.parcels:
        events = list(parcel.events.all())
        if events:
            newest = max(events, key=lambda e: (e.happened_at, e.pk))
            if found is None or newest.happened_at >= found[1].happened_at:
                found = (parcel, newest)
    return found


def _on_the_road(page: OrderPage, latest) -> Answer:
    order = page.order
    parts = []
    for parcel in page.parcels:
        parts.append(
            _("Parcel with %(carrier)s, tracking number %(tracking)s: %(status)s.")
            % {
                "carrier": parcel.carrier.name,
                "tracking": parcel.tracking_number,
                "status": parcel.get_status_display(),
            }
        )
    if latest is not None:
        parcel, event = latest
        said = _("The carrier's last report, %(date)s: %(status)s.") % {
            "date": when(event.happened_at),
            "status": event.get_status_display(),
        }
        if event.description:
            said = said[:-1] + " — " + event.description_shown + "."
        parts.append(said)
        source = _("carrier's tracking (%(carrier)s)") % {"carrier": parcel.carrier.name}
        as_of = event.happened_at
    else:
        parcel = page.parcels[-1]
        parts.append(_("Handed to the carrier on %(date)s.") % {"date": when(parcel.shipped_at)})
        source, as_of = _timeline(), parcel.shipped_at
    promise = _promise(order)
    if promise:
        parts.append(promise)
    link = parcel.tracking_url
    return Answer(
        WHERE,
        " ".join(parts),
        source,
        as_of,
        link=link,
        link_label=_("Follow parcel %(tracking)s at the carrier")
        % {"tracking": parcel.tracking_number}
        if link
        else "",
    )


# --- can I cancel ----------------------------------------------------------------------------


def _cancel(page: OrderPage) -> Answer:
    order = page.order
    _label, since = _status_since(page)
    if page.can_cancel:
        text = (
            _("Yes: you can cancel this order until we pack it. If you cancel now:")
            + " "
            + cancel_preview_text(page)
        )
        return Answer(CANCEL, text, _timeline(), since, action="cancel")
    if order.status == S.CANCELLED:
        text = _("This order was already cancelled on %(date)s.") % {"date": when(since)}
    elif page.cancel_closed:
        text = (
            _(
                "This order can no longer be cancelled: it is already packed and about to ship "
                "(or on its way)."
            )
            + " "
            + _(
                "Once it is delivered you may return it within %(days)s days of delivery "
                "without giving a reason."
            )
            % {"days": page.withdrawal_days}
        )
    else:
        text = _(
            "This order has been delivered, so it can no longer be cancelled. Ask about "
            "returning it instead."
        )
    return Answer(CANCEL, text, _timeline(), since)


# --- can I return ----------------------------------------------------------------------------


def _return(page: OrderPage) -> Answer:
    order = page.order
    _label, since = _status_since(page)
    number = order.number
    delivered_at, ends = page.delivered_at, page.withdrawal_ends_at
    if order.status == S.CANCELLED:
        text = _("This order was cancelled on %(date)s: there is nothing to return.") % {
            "date": when(since)
        }
        return Answer(RETURN, text, _timeline(), since)
    if delivered_at is None:
        text = _(
            "Once it is delivered you may return it within %(days)s days of delivery without "
            "giving a reason. Sending it back is free."
        ) % {"days": page.withdrawal_days}
        return Answer(RETURN, text, _timeline(), since)
    if page.withdrawal_open and page.can_return:
        text = _(
            "Yes: it was delivered on %(delivered)s, so you may return it until %(until)s "
            "without giving a reason. Sending it back is free."
        ) % {"delivered": when(delivered_at), "until": day(ends)}
        return Answer(
            RETURN,
            text,
            _timeline(),
            delivered_at,
            link=reverse("orders:return", kwargs={"number": number}),
            link_label=_("Request a return"),
            action="return",
        )
    if page.withdrawal_open:
        text = _("Everything in this order is already coming back or back with us.")
        return Answer(RETURN, text, _timeline(), since)
    text = _(
        "It was delivered on %(delivered)s; the %(days)s-day period to return it without a "
        "reason ended on %(until)s. If something is wrong with an item, you can still tell us "
        "on the order's page."
    ) % {"delivered": when(delivered_at), "days": page.withdrawal_days, "until": day(ends)}
    return Answer(
        RETURN,
        text,
        _timeline(),
        delivered_at,
        link=reverse("orders:confirmation", kwargs={"number": number}),
        link_label=_("The order's page"),
    )


# --- where is my refund ------------------------------------------------------------------------


def _refund_words(payment, refund: Refund, page: OrderPage) -> str:
    amount = format_money(refund.amount, refund.currency)
    on = day(refund.updated_at)
    to_card = payment.method in _CARD_METHODS
    to_balance = payment.method == PaymentMethod.STORED_VALUE
    status = refund.status
    if status == Refund.Status.SUCCEEDED:
        if to_card:
            return _("The refund of %(amount)s reached your card on %(date)s.") % {
                "amount": amount,
                "date": on,
            }
        if to_balance:
            return _("The refund of %(amount)s went back to your prepaid balance on %(date)s.") % {
                "amount": amount,
                "date": on,
            }
        return _("The refund of %(amount)s was paid to your bank account on %(date)s.") % {
            "amount": amount,
            "date": on,
        }
    if status == Refund.Status.FAILED:
        return _(
            "The refund of %(amount)s could not be sent on %(date)s; our team is looking at it."
        ) % {"amount": amount, "date": on}
    if status == Refund.Status.AWAITING_PAYOUT:
        if any(question.refund.pk == refund.pk for question in page.refund_questions):
            return _(
                "The refund of %(amount)s is waiting for your bank account: tell us where to "
                "send it on the order's page."
            ) % {"amount": amount}
        return _(
            "The refund of %(amount)s is paid by bank transfer within %(days)s business days "
            "(set up on %(date)s)."
        ) % {
            "amount": amount,
            "days": settings.CANCEL_TRANSFER_REFUND_BUSINESS_DAYS,
            "date": on,
        }
    # Reserved or sent: on its way to the provider.
    if to_card:
        return _(
            "The refund of %(amount)s is on its way to your card since %(date)s. Your bank shows "
            "it within %(days)s business days."
        ) % {
            "amount": amount,
            "date": on,
            "days": settings.CANCEL_CARD_REFUND_BUSINESS_DAYS,
        }
    return _("The refund of %(amount)s is on its way since %(date)s.") % {
        "amount": amount,
        "date": on,
    }


def _refund(page: OrderPage) -> Answer:
    order = page.order
    parts: list[str] = []
    newest: datetime | None = None
    for payment in page.payments:
        for refund in payment.refunds.all():
            parts.append(_refund_words(payment, refund, page))
            if newest is None or refund.updated_at > newest:
                newest = refund.updated_at
    account_needed = bool(page.refund_questions)
    for item in page.returns:
        if item.order_return.refund is None and item.refund_state == "waiting":
            ret = item.order_return
            parts.append(
                _("Your return of %(date)s: we refund %(amount)s once the items are back.")
                % {
                    "date": day(ret.requested_at),
                    "amount": format_money(ret.amount, order.currency),
                }
            )
            newest = max(newest, ret.requested_at) if newest else ret.requested_at
    bounced = _bounced(page)
    if bounced is not None and not parts:
        text = _(
            "Your e-check of %(amount)s bounced on %(date)s: nothing was collected, so there "
            "is nothing to refund."
        ) % {
            "amount": format_money(bounced.amount, bounced.currency),
            "date": when(bounced.updated_at),
        }
        return Answer(REFUND, text, _payment_record(), bounced.updated_at)
    if not parts:
        now = timezone.now()
        return Answer(REFUND, _("There is no refund on this order."), _payment_record(), now)
    link = link_label = ""
    if account_needed:
        link = reverse("orders:confirmation", kwargs={"number": order.number})
        link_label = _("Give your bank account")
    return Answer(
        REFUND, " ".join(parts), _payment_record(), newest, link=link, link_label=link_label
    )
