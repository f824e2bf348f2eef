"""Reads of placed orders."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet, Sum, Window
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from payments.models import Refund
from payments.registry import all_providers
from payments.states import PaymentStatus
from shop.kept import Kept
from shop.models import User

from ..models import (
    DownloadLink,
    Invoice,
    Order,
    OrderLine,
    Return,
    Shipment,
    ShipmentEvent,
    ShipmentLine,
)
from ..models.orders import OPEN_PROMISE_STATUSES
from ..states import OrderStatus
from .order_parts import order_lines_with_current_names, order_payments_with_outcomes

# What "My orders" shows of each order (and the buy-again form's number).
ORDER_LIST_FIELDS = (
    "number",
    "placed_at",
    "status",
    "total",
    "currency",
    "source",
    "promised_from",
    "promised_to",
    "estimated_to",
)


def orders_of(*, user: User) -> QuerySet[Order]:
    """The customer's orders, newest first, with their item count (one query), lean: only
    the columns "My orders" shows."""
    return (
        Order.objects.filter(user=user)
        .annotate(item_count=Sum("lines__quantity"))
        .order_by("-placed_at", "-pk")
        .only(*ORDER_LIST_FIELDS)
    )


_LIST_PAGE_SQL: dict[str, str] = {}  # database vendor -> the SQL of a page of "My orders"


def _list_page_sql() -> str:
    """A page of a customer's orders with the count of all of them (a window count), as
    `orders_of` asks for them; its SQL compiled once per worker (the ORM took longer to compile
    it than the database to answer it). Parameters: the user's id, how many, from where."""
    sql = _LIST_PAGE_SQL.get(connection.vendor)
    if sql is None:
        query = orders_of(user=User(pk=0)).annotate(orders_in_all=Window(Count("pk"))).query
        sql, params = query.sql_with_params()
        if list(params) != [0]:  # the user's id must be the one parameter
            raise RuntimeError(f"My orders' query changed shape: {params!r}")
        sql = _LIST_PAGE_SQL[connection.vendor] = f"{sql} LIMIT %s OFFSET %s"
    return sql


class OrderListPages:
    """The customer's orders for a Paginator: the count and the page asked for in one query
    (a window count beside the page's rows); another only for a page past the last."""

    ordered = True

    def __init__(self, *, user: User, page: str | None, per_page: int) -> None:
        self.user, self.per_page = user, per_page
        try:
            self.wanted = max(int(page or 1), 1)
        except (TypeError, ValueError, OverflowError):
            self.wanted = 1
        self._count: int | None = None
        self._rows: dict[tuple[int, int], list[Order]] = {}

    def _page(self, start: int, stop: int) -> list[Order]:
        sql = _list_page_sql()
        return list(Order.objects.raw(sql, [self.user.pk, stop - start, start]))

    def count(self) -> int:
        if self._count is None:
            start = (self.wanted - 1) * self.per_page
            rows = self._page(start, start + self.per_page) if start < 10**9 else []
            if rows:
                self._count = rows[0].orders_in_all
                self._rows[(start, start + len(rows))] = rows
            elif start == 0:
                self._count = 0
            else:  # past the last page: Paginator shows the last one
                self._count = orders_of(user=self.user).count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, bounds: slice) -> list[Order]:
        if bounds.stop <= bounds.start:
            return []  # no orders at all: the empty first page
        kept = self._rows.get((bounds.start, bounds.stop))
        return kept if kept is not None else self._page(bounds.start, bounds.stop)


def _full(orders: QuerySet[Order]) -> QuerySet[Order]:
    """Everything the order's page shows, in a fixed number of queries."""
    return orders.select_related("invoice").prefetch_related(
        # The page shows each line's product name now beside the copy bought (a join, no query).
        Prefetch("lines", queryset=order_lines_with_current_names()),
        "documents",
        "events",
        # Each attempt with its outcome: a declined one shows the bank's message.
        Prefetch("payments", queryset=order_payments_with_outcomes()),
        # Each refund with its account (a join, no query more): the page asks where a
        # cash refund goes when nobody has said.
        Prefetch("payments__refunds", queryset=Refund.objects.select_related("account")),
        Prefetch(
            "shipments",
            queryset=Shipment.objects.select_related("carrier").prefetch_related(
                Prefetch("events", queryset=ShipmentEvent.objects.filter(applied=True)),
                Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line")),
            ),
        ),
        Prefetch(
            "lines__download_links",
            queryset=DownloadLink.objects.filter(revoked=False).select_related("file"),
        ),
        Prefetch(
            "returns",
            # An exchange names its replacement order (a join, no query more).
            queryset=Return.objects.select_related("refund", "replacement").prefetch_related(
                "lines"
            ),
        ),
        "credit_notes",
    )


def _may_see(order_user_id: int | None, number: str, user: User | None, guests: list[str]) -> bool:
    own = user is not None and user.is_authenticated and order_user_id == user.pk
    placed_here = order_user_id is None and number in guests
    return own or placed_here


def order_for_viewer(
    *, number: str, user: User | None, guest_numbers: list[str], full: bool = False
) -> Order:
    """An order its owner may see: their own, or one this browser placed as a guest; else 404.

    `full` loads everything the order's page shows in a fixed number of queries.
    """
    orders = Order.objects.filter(number=number)
    orders = _full(orders) if full else orders.prefetch_related("lines", "documents")
    order = orders.first()
    if order is None or not _may_see(order.user_id, number, user, guest_numbers):
        raise Http404
    return order


# --- The order's page, kept -------------------------------------------------------------------
#
# Each worker keeps the orders whose pages it showed (shop.kept), loaded as `_full` loads them,
# under a version of every row the page shows: one lean query reads the order's owner and that
# version (a digest PostgreSQL makes of the rows' text), so a kept order is used only while
# none of its rows changed, whichever way they were written (a service, the admin, a queryset
# update). What it shows and the rows the version covers are listed together below; a test
# checks that every model `_full` loads is covered.

ORDER_PAGES = Kept(128)  # (order id, language) -> (version, the order with everything prefetched)


def _rows(model: type, where: str) -> str:
    """The text of a table's rows that `where` picks (`o` is the order), in a fixed order."""
    table = connection.ops.quote_name(model._meta.db_table)
    return f"(SELECT string_agg(x::text, ',' ORDER BY x.id) FROM {table} x WHERE {where})"  # noqa: S608 - names from the models


def _ids(model: type, column: str, where: str) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    return f"(SELECT {column} FROM {table} WHERE {where})"  # noqa: S608 - names from the models


def _covered() -> dict[type, str]:
    """Every model the order's page shows -> which of its rows belong to order `o`."""
    from catalog.models import DigitalFile
    from payments.models import Payment, PaymentEvent, RefundAccount

    from ..models import Carrier, CreditNote, OrderDocument, OrderEvent, ReturnLine

    of_order = "x.order_id = o.id"
    payments = _ids(Payment, "id", "order_id = o.id")
    shipments = _ids(Shipment, "id", "order_id = o.id")
    lines = _ids(OrderLine, "id", "order_id = o.id")
    returns = _ids(Return, "id", "order_id = o.id")
    refunds = (
        f"(x.payment_id IN {payments} OR x.id IN {_ids(Return, 'refund_id', 'order_id = o.id')})"
    )
    return {
        Invoice: of_order,
        OrderLine: of_order,
        OrderDocument: of_order,
        OrderEvent: of_order,
        Payment: of_order,
        # Not loaded today; a payment's history of attempts (declines) is its events.
        PaymentEvent: f"x.payment_id IN {payments}",
        Refund: refunds,
        RefundAccount: f"(x.payment_id IN {payments})",
        Shipment: of_order,
        Carrier: f"x.id IN {_ids(Shipment, 'carrier_id', 'order_id = o.id')}",
        ShipmentEvent: f"x.shipment_id IN {shipments}",
        ShipmentLine: f"x.shipment_id IN {shipments}",
        DownloadLink: f"x.order_line_id IN {lines}",
        DigitalFile: f"x.id IN {_ids(DownloadLink, 'file_id', f'order_line_id IN {lines}')}",
        Return: of_order,
        ReturnLine: f"x.order_return_id IN {returns}",
        CreditNote: of_order,
    }


def _current_names() -> str:
    """The names now of the products of order `o`'s lines: the page shows them beside the names
    bought (a join, no model loaded), so a rename changes the version. Only the name columns:
    a product's whole row (descriptions, search vectors) would cost more and change more often."""
    from catalog.models import Product

    table = connection.ops.quote_name(Product._meta.db_table)
    names = ", ".join(f"x.name_{code}" for code, _name in settings.LANGUAGES)
    where = f"x.id IN {_ids(OrderLine, 'product_id', 'order_id = o.id')}"
    agg = f"string_agg(concat_ws('|', x.id, {names}), ',' ORDER BY x.id)"
    return f"(SELECT {agg} FROM {table} x WHERE {where})"  # noqa: S608 - names from the models


_VERSION_SQL: str | None = None


def _version_sql() -> str:
    global _VERSION_SQL
    if _VERSION_SQL is None:
        parts = ", ".join(
            [*(_rows(model, where) for model, where in _covered().items()), _current_names()]
        )
        table = connection.ops.quote_name(Order._meta.db_table)
        version = f"md5(concat_ws('|', o::text, {parts}))"
        # Names from the models; the number is a parameter.
        _VERSION_SQL = f"SELECT o.id, o.user_id, {version} FROM {table} o WHERE o.number = %s"  # noqa: S608
    return _VERSION_SQL


def order_page_for_viewer(*, number: str, user: User | None, guest_numbers: list[str]) -> Order:
    """`order_for_viewer(full=True)` for the order's page, kept by this worker while nothing it
    shows changed: one query when kept. Read-only: never hand it to a service. (The version is
    PostgreSQL's: elsewhere, e.g. SQLite in development, the order is loaded afresh.)"""
    if connection.vendor != "postgresql":
        return order_for_viewer(number=number, user=user, guest_numbers=guest_numbers, full=True)
    with connection.cursor() as cursor:
        cursor.execute(_version_sql(), [number])
        row = cursor.fetchone()
    if row is None or not _may_see(row[1], number, user, guest_numbers):
        raise Http404
    pk, _user_id, version = row
    # Per language too: the lines carry their product's current name in the active language.
    key = (pk, get_language())
    kept = ORDER_PAGES.get(key)
    if kept is not None and kept[0] == version:
        return kept[1]
    order = _full(Order.objects.filter(pk=pk)).first()
    if order is None:  # deleted meanwhile
        raise Http404
    order.page_version = version  # what parts of its page are kept under (views.order)
    return ORDER_PAGES.put(key, (version, order))[1]


def order_refund_of(*, order: Order, refund_id: int) -> Refund:
    """A refund of this order's payments (else 404: another order's refund is not found)."""
    refund = Refund.objects.filter(pk=refund_id, payment__order=order).first()
    if refund is None:
        raise Http404
    return refund


def order_by_token(*, token: str) -> Order | None:
    return Order.objects.filter(checkout_token=token).first()


def sold() -> Q:
    """Orders whose goods count as bought: delivered (or being returned), or paid for —
    fully, partly refunded or on the tab; never a cancelled or returned order."""
    return ~Q(status__in=[OrderStatus.CANCELLED, OrderStatus.RETURNED]) & (
        Q(status__in=[OrderStatus.DELIVERED, OrderStatus.RETURN_REQUESTED])
        | Q(
            payment_status__in=[
                PaymentStatus.PAID,
                PaymentStatus.PARTIALLY_REFUNDED,
                PaymentStatus.ON_TAB,
            ]
        )
    )


def customer_bought(*, user_id: int, product_id: int) -> bool:
    """Did this customer buy the product (see `sold`)?"""
    return Order.objects.filter(sold(), user_id=user_id, lines__product_id=product_id).exists()


def units_sold_by_product() -> dict[int, int]:
    """Units sold per product over all orders that count as sold (one aggregate query)."""
    rows = (
        OrderLine.objects.filter(order__in=Order.objects.filter(sold()).values("pk"))
        .values("product_id")
        .annotate(units=Sum("quantity"))
        .values_list("product_id", "units")
    )
    return {product_id: units for product_id, units in rows if units}


def order_ids_to_remind(*, now: datetime, limit: int = 500) -> list[int]:
    """Orders paid in the browser (by card) that expire within ORDER_PAYMENT_REMINDER_MINUTES."""
    browser_methods = [p.method for p in all_providers() if p.finishes_in_browser]
    soon = now + timedelta(minutes=settings.ORDER_PAYMENT_REMINDER_MINUTES)
    return list(
        Order.objects.filter(
            status=OrderStatus.PENDING_PAYMENT,
            expires_at__gt=now,
            expires_at__lte=soon,
            payment_method__in=browser_methods,
        )
        .order_by("expires_at")
        .values_list("pk", flat=True)[:limit]
    )


def overdue_order_ids(*, now: datetime, limit: int = 500) -> list[int]:
    """Orders still waiting for payment past their deadline (index: status, expires_at)."""
    return list(
        Order.objects.filter(status=OrderStatus.PENDING_PAYMENT, expires_at__lte=now)
        .order_by("expires_at")
        .values_list("pk", flat=True)[:limit]
    )


def order_tracked(*, number: str, email: str) -> Order | None:
    """Guest tracking: the order only when number and email belong together (else None)."""
    return (
        Order.objects.filter(number__iexact=number.strip(), email__iexact=email.strip())
        .prefetch_related(
            "events",
            Prefetch("shipments", queryset=Shipment.objects.select_related("carrier")),
        )
        .first()
    )


def orders_late(*, now: datetime, days: int) -> QuerySet[Order]:
    """Orders not shipped yet past the day they were promised to ship (those placed before
    promises were stored: `days` after placement)."""
    today = timezone.localdate(now)
    return Order.objects.filter(
        Q(promised_ship_by__lt=today)
        | Q(promised_ship_by__isnull=True, placed_at__lt=now - timedelta(days=days)),
        status__in=[OrderStatus.CONFIRMED, OrderStatus.PREPARING, OrderStatus.PACKED],
    ).exclude(shipping_address={})


def orders_missing_promise() -> QuerySet[Order]:
    """Orders on their way that will miss their promise (the customer has been told)."""
    return Order.objects.filter(late_noticed_at__isnull=False, status__in=OPEN_PROMISE_STATUSES)


def pick_list(*, order_ids: list[int]) -> list[dict]:
    """What to take from the shelves for these orders: units summed per SKU."""
    return list(
        OrderLine.objects.filter(order_id__in=order_ids, is_digital=False)
        .values("sku", "product_name", "variant_name")
        .annotate(quantity=Sum("quantity"))
        .order_by("sku")
    )


def invoice_of(*, order: Order) -> Invoice:
    invoice = Invoice.objects.filter(order=order).first()
    if invoice is None:
        raise Http404
    return invoice
