"""The complaint desk's panel on crm's dashboard: complaints per 100 orders in all, by category
and by product equal a count over the tickets and orders; its queries do not grow with them."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import Ticket, TicketLine
from complaints.services import complaint_open
from complaints.states import Category, Channel
from crm.analytics.panels import Period, panel_named
from orders.models import Order, OrderLine
from tests.orders.helpers import cart_with, place, shipping_setup, stocked_variant

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("Europe/Istanbul")
PERIOD = Period(
    start=date(2026, 6, 1),
    end=date(2026, 6, 20),
    today=date(2026, 6, 20),
    compare_start=date(2026, 5, 12),
    compare_end=date(2026, 5, 31),
)


def _in(moment: datetime, first: date, last: date) -> bool:
    return first <= moment.astimezone(ZONE).date() <= last


def _data(rounds: int = 1) -> None:
    shipping_setup()
    lamp, chair = stocked_variant(on_hand=100), stocked_variant(on_hand=100)
    for n in range(rounds):
        with time_machine.travel(datetime(2026, 6, 2 + n, 10, tzinfo=ZONE), tick=False):
            both = place(cart_with((lamp, 1), (chair, 1)))
            place(cart_with((lamp, 1)))
            place(cart_with((chair, 2)))
            late = complaint_open(
                channel=Channel.WEB,
                category=Category.LATE_OR_MISSING,
                description="Gelmedi",
                contact_email="a@example.com",
            )
            broken = complaint_open(
                channel=Channel.EMAIL,
                category=Category.WRONG_OR_DAMAGED,
                description="Kırık",
                contact_email="b@example.com",
            )
            lamp_line, chair_line = both.lines.order_by("pk")
            TicketLine.objects.create(ticket=broken, order_line=lamp_line)
            TicketLine.objects.create(ticket=late, order_line=lamp_line)
            TicketLine.objects.create(ticket=late, order_line=chair_line)
        with time_machine.travel(datetime(2026, 5, 20, 10, tzinfo=ZONE), tick=False):
            place(cart_with((lamp, 1)))
            complaint_open(
                channel=Channel.WEB,
                category=Category.PAYMENT,
                description="Çekildi",
                contact_email="c@example.com",
            )


def _load():
    with time_machine.travel(datetime(2026, 6, 20, 12, tzinfo=ZONE), tick=False):
        return panel_named("complaints.rate").load(PERIOD)


def _per_100(part: int, whole: int) -> Decimal:
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"))


def test_complaints_per_100_orders_by_category_and_product():
    _data()
    data = _load()
    orders = [o for o in Order.objects.all() if _in(o.placed_at, PERIOD.start, PERIOD.end)]
    tickets = [t for t in Ticket.objects.all() if _in(t.created_at, PERIOD.start, PERIOD.end)]
    before_orders = [
        o for o in Order.objects.all() if not _in(o.placed_at, PERIOD.start, PERIOD.end)
    ]
    before_tickets = [t for t in Ticket.objects.all() if t not in tickets]
    assert [(f.value, f.compare) for f in data.figures] == [
        (_per_100(len(tickets), len(orders)), _per_100(len(before_tickets), len(before_orders))),
        (len(tickets), None),
    ]
    assert data.figures[0].value == Decimal("66.7")  # 2 complaints, 3 orders
    categories = {}
    for ticket in tickets:
        categories[ticket.category] = categories.get(ticket.category, 0) + 1
    assert sorted((r["tickets"], r["per_100"]) for r in data.table("categories").rows) == sorted(
        (count, _per_100(count, len(orders))) for count in categories.values()
    )
    expected = []
    for product_id in {line.order_line.product_id for line in TicketLine.objects.all()}:
        about = {
            line.ticket_id
            for line in TicketLine.objects.select_related("order_line")
            if line.order_line.product_id == product_id
        }
        holding = {
            line.order_id
            for line in OrderLine.objects.filter(product_id=product_id)
            if line.order in orders
        }
        expected.append((len(about), len(holding), _per_100(len(about), len(holding))))
    assert sorted(
        (r["tickets"], r["orders"], r["per_100"]) for r in data.table("products").rows
    ) == sorted(expected)


def test_the_panel_reads_in_a_fixed_number_of_queries():
    _data()
    with CaptureQueriesContext(connection) as few:
        _load()
    _data(rounds=3)
    with CaptureQueriesContext(connection) as more:
        _load()
    assert len(few) == len(more) == 7
