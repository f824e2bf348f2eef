"""Where is my order: the timeline's step, the promise, the carrier's last event and link."""

from django.urls import reverse
from django.utils.translation import gettext as _

from shop.dates import day_span
from shop.money import format_money

from ..models import Order, Shipment, ShipmentEvent
from ..selectors.assistant import WHERE
from ..states import OrderStatus
from ..views.order_page import OrderPage
from .base import Answer, bounced_payment, day, payment_record, status_since, timeline, when

S = OrderStatus


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


def answer_where(page: OrderPage) -> Answer:
    order = page.order
    label, since = status_since(page)
    number = order.number
    bounced = bounced_payment(page)
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
            payment_record(),
            bounced.updated_at,
            link=reverse("orders:pay", kwargs={"number": number}),
            link_label=_("Pay for the order"),
        )
    if order.status == S.CANCELLED:
        text = _("Order %(number)s was cancelled on %(date)s.") % {
            "number": number,
            "date": when(since),
        }
        return Answer(WHERE, text, timeline(), since)
    if order.status == S.PENDING_PAYMENT:
        text = _("Order %(number)s is waiting for your payment (placed %(date)s).") % {
            "number": number,
            "date": when(since),
        }
        return Answer(WHERE, text, timeline(), since)
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
    return Answer(WHERE, text, timeline(), since)


def _latest_parcel_event(page: OrderPage) -> tuple[Shipment, ShipmentEvent] | None:
    """(parcel, its newest applied carrier event) of the parcel heard from last, or None."""
    found = None
    for parcel in page.parcels:
        events = list(parcel.events.all())
        if events:
            newest = max(events, key=lambda e: (e.happened_at, e.pk))
            if found is None or newest.happened_at >= found[1].happened_at:
                found = (parcel, newest)
    return found


def _on_the_road(page: OrderPage, latest: tuple[Shipment, ShipmentEvent] | None) -> Answer:
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
        source, as_of = timeline(), parcel.shipped_at
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
