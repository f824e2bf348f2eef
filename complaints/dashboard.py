"""The complaint desk's panel on crm's analytics dashboard (registered from ComplaintsConfig.ready:
crm never imports the desk). Complaints per 100 orders over the dates, by category and by
product (complaints.reports' queries). Definitions: docs/analytics.md."""

from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.analytics.panels import Chart, Column, Figure, Panel, PanelData, Period, Table
from crm.analytics.panels import register_panel as register_dashboard_panel
from orders.models import Order, OrderLine
from shop.dates import days_between

from .models import Ticket
from .reports import complaints_per_100_orders, tickets_by_choice, tickets_by_product
from .states import Category

PRODUCTS_LISTED = 10


def per_100(tickets: int, orders: int) -> Decimal | None:
    """Tickets per 100 orders, one decimal; None without orders."""
    return (Decimal(100 * tickets) / orders).quantize(Decimal("0.1")) if orders else None


def complaints_panel(period: Period) -> PanelData:
    """Complaints opened in the dates per 100 orders placed in them, in all, by category and by
    product (against the orders of that product): a fixed number of queries."""
    since, until = days_between(period.start, period.end)
    # The same definition as complaints_per_100_orders (used for the comparison), with the
    # tickets counted by category on the way.
    orders = Order.objects.filter(placed_at__gte=since, placed_at__lt=until).count()
    tickets = Ticket.objects.filter(created_at__gte=since, created_at__lt=until)
    categories = tickets_by_choice(tickets, "category")
    opened = sum(categories.values())
    overall = per_100(opened, orders)
    before = (
        complaints_per_100_orders(period.compare_start, period.compare_end)
        if period.compared
        else None
    )
    products = tickets_by_product(tickets, PRODUCTS_LISTED)
    ordered = dict(
        OrderLine.objects.filter(
            product_id__in=[product for product, _name, _count in products],
            order__placed_at__gte=since,
            order__placed_at__lt=until,
        )
        .values_list("product_id")
        .annotate(n=Count("order_id", distinct=True))
        .order_by()
        .values_list("product_id", "n")
    )
    category_rows = [
        {
            "category": str(label),
            "tickets": categories[value],
            "per_100": per_100(categories[value], orders),
        }
        for value, label in Category.choices
        if categories.get(value)
    ]
    product_rows = [
        {
            "product": name,
            "tickets": count,
            "orders": ordered.get(product, 0),
            "per_100": per_100(count, ordered.get(product, 0)),
        }
        for product, name, count in products
    ]
    return PanelData(
        figures=[
            Figure(_("Complaints per 100 orders"), overall, "decimal", before),
            Figure(_("Complaints opened"), opened, "count"),
        ],
        tables=[
            Table(
                "categories",
                _("By category"),
                [
                    Column("category", _("Category")),
                    Column("tickets", _("Complaints"), "count"),
                    Column("per_100", _("Per 100 orders"), "decimal"),
                ],
                category_rows,
                empty=_("No complaints in these dates."),
            ),
            Table(
                "products",
                _("By product (the most complained about)"),
                [
                    Column("product", _("Product")),
                    Column("tickets", _("Complaints"), "count"),
                    Column("orders", _("Orders of it"), "count"),
                    Column("per_100", _("Per 100 orders of it"), "decimal"),
                ],
                product_rows,
                empty=_("No complaints about a product in these dates."),
            ),
        ],
        charts=[Chart(table="categories", x="category", series=["per_100"], kind="bar")],
        note=_(
            "Complaints opened in these dates per 100 orders placed in them (every order "
            "placed). By product: complaints about the product per 100 orders that hold it."
        ),
    )


def register() -> None:
    register_dashboard_panel(
        Panel(
            name="complaints.rate",
            section="complaints",
            title=gettext_lazy("Complaints per 100 orders"),
            load=complaints_panel,
            order=10,
        )
    )
