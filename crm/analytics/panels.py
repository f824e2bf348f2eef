"""The dashboard's panels: what each part of the shop adds to /admin/crm/dashboard/.

A panel is a name, a section, a title and `load(period) -> PanelData`. The loader runs one
query (two at most, e.g. closed days from a rollup and today live), computes in the database,
and returns plain data: figures (a number with its comparison), charts (each drawn from one of
the panel's tables, which is shown under it for screen readers), and tables (each downloadable
as CSV). `crm.analytics.selectors.panel_data` caches it by panel, period, language and the
rollups' version. Parts of crm register in `crm.analytics.setup`; the complaint desk registers
its panel from its own AppConfig.ready() (crm never imports complaints).

    register_panel(Panel(name="sales.overview", section="sales", title=_("Revenue"),
                         load=sales_overview, order=10))
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext_lazy as _

# How a value is shown (and written to CSV): money in the shop's currency, a count, a percentage
# (the value is already × 100), days, a plain decimal, a date, or text.
Unit = Literal["money", "count", "percent", "days", "decimal", "date", "text"]

SECTIONS: list[tuple[str, str]] = [
    ("sales", _("Sales")),
    ("customers", _("Customers")),
    ("products", _("Products")),
    ("fulfilment", _("Fulfilment")),
    ("returns", _("Returns and cancellations")),
    ("complaints", _("Complaints and campaigns")),
    ("forecasts", _("Forecasts")),
    ("risk", _("Risk flags")),
]


@dataclass(frozen=True)
class Period:
    """The dates the staff chose (both included, shop days) and the comparison period."""

    start: date
    end: date
    today: date
    compare_start: date | None = None
    compare_end: date | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def includes_today(self) -> bool:
        return self.start <= self.today <= self.end

    @property
    def closed_end(self) -> date:
        """The last closed day in the period (read from the rollups; today is read live)."""
        return min(self.end, self.today - timedelta(days=1))

    @property
    def compared(self) -> bool:
        return self.compare_start is not None and self.compare_end is not None

    def key(self) -> str:
        return f"{self.start}:{self.end}:{self.compare_start}:{self.compare_end}:{self.today}"


@dataclass(frozen=True)
class Figure:
    """One headline number, with the comparison period's (None when not compared or unknown)."""

    label: str
    value: Decimal | int | None
    unit: Unit = "count"
    compare: Decimal | int | None = None
    # A short note under the number ("ex VAT ₺1.234,00", "today so far").
    note: str = ""

    @property
    def change(self) -> Decimal | None:
        """Per cent change against the comparison, one decimal; None when it cannot be said."""
        if self.value is None or self.compare in (None, 0):
            return None
        return (
            (Decimal(self.value) - Decimal(self.compare)) * 100 / abs(Decimal(self.compare))
        ).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    unit: Unit = "text"


@dataclass(frozen=True)
class Table:
    """Rows of plain values keyed by the columns' keys; `name` is unique within its panel."""

    name: str
    caption: str
    columns: Sequence[Column]
    rows: Sequence[dict]
    # Shown when there are no rows.
    empty: str = ""


@dataclass(frozen=True)
class Chart:
    """A chart drawn from one of the panel's tables: `x` is the column of labels, `series` the
    columns of values (each a line or a bar)."""

    table: str
    x: str
    series: Sequence[str]
    kind: Literal["line", "bar"] = "line"
    # Bars stacked on one another (shares of a whole).
    stacked: bool = False


@dataclass(frozen=True)
class PanelData:
    figures: Sequence[Figure] = ()
    tables: Sequence[Table] = ()
    charts: Sequence[Chart] = ()
    # A sentence under the panel: how a figure is defined, what is left out.
    note: str = ""

    def table(self, name: str) -> Table | None:
        return next((table for table in self.tables if table.name == name), None)


@dataclass(frozen=True)
class Panel:
    name: str
    section: str
    title: str
    load: Callable[[Period], PanelData]
    order: int = 100
    # A permission the viewer needs besides crm.view_analytics ("crm.view_riskflag").
    permission: str = ""
    # Shown only while this says so (the complaints panel: once the desk is installed).
    enabled: Callable[[], bool] | None = None


_panels: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    """Add a panel (or replace the one of that name: registering twice is harmless)."""
    if panel.section not in dict(SECTIONS):
        raise ValueError(f"Unknown dashboard section {panel.section!r}.")
    _panels[panel.name] = panel


def unregister_panel(name: str) -> None:
    _panels.pop(name, None)


def registered_panels() -> list[Panel]:
    """Every panel, in section order then by `order`."""
    position = {name: n for n, (name, _title) in enumerate(SECTIONS)}
    return sorted(
        (p for p in _panels.values() if p.enabled is None or p.enabled()),
        key=lambda p: (position[p.section], p.order, p.name),
    )


def panel_named(name: str) -> Panel | None:
    panel = _panels.get(name)
    if panel is None or (panel.enabled is not None and not panel.enabled()):
        return None
    return panel
