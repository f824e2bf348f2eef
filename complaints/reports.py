"""The complaint desk's report: volume by channel, category and product; first-response and
resolution times (median and 90th percentile); SLA compliance; the reopen rate; satisfaction by
agent, category and product; agent productivity (tickets resolved, first-contact resolution).

Over the tickets opened in a date range (shop time). Computed in the database in a fixed number
of queries whatever the number of tickets; the percentiles with PostgreSQL's
`percentile_cont`, and the same interpolation in Python on SQLite (the embedded default):
shop.stats."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from catalog.models import Product
from orders.models import Order
from shop.dates import days_between
from shop.models import User
from shop.stats import Spread, span_percentiles

from .models import (
    SatisfactionSurvey,
    SlaAlert,
    Ticket,
    TicketEvent,
    TicketLine,
    TicketMessage,
)
from .states import Category, Channel

SATISFIED_MIN = 4  # a score of 4 or 5 counts as satisfied


@dataclass(frozen=True)
class CountRow:
    label: str
    count: int
    # Per cent of the tickets in the range (rounded; a ticket about two products counts in both).
    share: int


@dataclass(frozen=True)
class Durations:
    """Hours from opening to the first response (or to resolution): how many, median, p90."""

    count: int
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True)
class Compliance:
    """Of the tickets whose target has come (answered or resolved, or breached), how many met
    it: no breach recorded by the SLA watch."""

    met: int
    due: int

    @property
    def rate(self) -> int | None:
        return round(100 * self.met / self.due) if self.due else None


@dataclass(frozen=True)
class CsatRow:
    label: str
    answers: int
    average: float | None  # 1–5, one decimal
    satisfied: int | None  # per cent of answers scoring 4–5


@dataclass(frozen=True)
class AgentRow:
    label: str
    resolved: int
    first_contact: int  # resolved with one public reply and never reopened
    csat: CsatRow

    @property
    def first_contact_rate(self) -> int | None:
        return round(100 * self.first_contact / self.resolved) if self.resolved else None


@dataclass(frozen=True)
class ComplaintReport:
    start: date
    end: date
    opened: int
    by_channel: list[CountRow]
    by_category: list[CountRow]
    by_product: list[CountRow]
    first_response: Durations
    resolution: Durations
    sla_first_response: Compliance
    sla_resolution: Compliance
    resolved: int  # ever resolved (a reopened ticket too)
    reopened: int
    csat: CsatRow
    csat_by_agent: list[CsatRow]
    csat_by_category: list[CsatRow]
    csat_by_product: list[CsatRow]
    agents: list[AgentRow]

    @property
    def reopen_rate(self) -> int | None:
        """Per cent of the resolved tickets that were reopened at least once."""
        return round(100 * self.reopened / self.resolved) if self.resolved else None


def _share(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def _durations(tickets: QuerySet, field: str) -> Durations:
    """Hours from `created_at` to `field` over the tickets where it is set."""
    done = tickets.filter(**{f"{field}__isnull": False})
    span = ExpressionWrapper(F(field) - F("created_at"), output_field=DurationField())
    spread = span_percentiles(done, span=span).get((), Spread(0, None, None))
    return Durations(
        count=spread.count,
        median_hours=None if spread.median is None else round(spread.median / 3600, 1),
        p90_hours=None if spread.p90 is None else round(spread.p90 / 3600, 1),
    )


def _compliance(tickets: QuerySet, ever_resolved: QuerySet) -> dict[str, Compliance]:
    """SLA compliance per target, in one query: a target is due once it was met (a first
    response, a resolution) or breached; met means no breach of it was recorded."""
    breached = {
        target: Exists(
            SlaAlert.objects.filter(
                ticket=OuterRef("pk"), stage=SlaAlert.Stage.BREACH, target=target
            )
        )
        for target in SlaAlert.Target.values
    }
    figures = tickets.annotate(
        fr_breached=breached[SlaAlert.Target.FIRST_RESPONSE],
        res_breached=breached[SlaAlert.Target.RESOLUTION],
        was_resolved=Exists(ever_resolved),
    ).aggregate(
        fr_due=Count("pk", filter=Q(first_response_at__isnull=False) | Q(fr_breached=True)),
        fr_met=Count("pk", filter=Q(first_response_at__isnull=False, fr_breached=False)),
        res_due=Count("pk", filter=Q(was_resolved=True) | Q(res_breached=True)),
        res_met=Count("pk", filter=Q(was_resolved=True, res_breached=False)),
    )
    return {
        "first_response": Compliance(met=figures["fr_met"], due=figures["fr_due"]),
        "resolution": Compliance(met=figures["res_met"], due=figures["res_due"]),
    }


def _csat(label: str, values: dict) -> CsatRow:
    answers = values["answers"]
    return CsatRow(
        label=label,
        answers=answers,
        average=None if values["average"] is None else round(values["average"], 1),
        satisfied=_share(values["satisfied"], answers) if answers else None,
    )


def _csat_figures(prefix: str = "", *, distinct: bool = False) -> dict:
    pk = f"{prefix}pk"
    return {
        "answers": Count(pk, distinct=distinct),
        "average": Avg(f"{prefix}score"),
        "satisfied": Count(
            pk, distinct=distinct, filter=Q(**{f"{prefix}score__gte": SATISFIED_MIN})
        ),
    }


def _names(users: set[int]) -> dict[int, str]:
    return {
        user.pk: user.get_full_name() or user.email
        for user in User.objects.filter(pk__in=users).only("first_name", "last_name", "email")
    }


def _by_choice(
    tickets: QuerySet, field: str, choices: Sequence[tuple[str, str]], opened: int
) -> list[CountRow]:
    """Tickets per value of a choice field, in the choices' order (values with none left out)."""
    counts = tickets_by_choice(tickets, field)
    return [
        CountRow(str(label), counts[value], _share(counts[value], opened))
        for value, label in choices
        if counts.get(value)
    ]


def _product_names(ids: Iterable[int]) -> dict[int, str]:
    return dict(Product.objects.filter(pk__in=list(ids)).values_list("pk", "name"))


def _count_per_ticket(rows: QuerySet) -> Coalesce:
    """How many of `rows` (filtered on ticket=OuterRef("pk")) each ticket has, 0 for none."""
    per_ticket = rows.order_by().values("ticket").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(per_ticket), Value(0), output_field=IntegerField())


def tickets_by_choice(tickets: QuerySet, field: str) -> dict[str, int]:
    """Tickets per value of a field (category, channel): one query."""
    return dict(
        tickets.values_list(field).annotate(n=Count("pk")).order_by().values_list(field, "n")
    )


def tickets_by_product(tickets: QuerySet, limit: int = 20) -> list[tuple[int, str, int]]:
    """(product id, name, tickets) for the products the tickets are about, the most first:
    two queries. A ticket about two products counts for each."""
    products = list(
        TicketLine.objects.filter(ticket__in=tickets)
        .values("order_line__product_id")
        .annotate(n=Count("ticket_id", distinct=True))
        .order_by("-n", "order_line__product_id")[:limit]
    )
    names = _product_names(row["order_line__product_id"] for row in products)
    return [
        (row["order_line__product_id"], names.get(row["order_line__product_id"], "—"), row["n"])
        for row in products
    ]


def complaint_report(*, start: date, end: date) -> ComplaintReport:
    """The figures for tickets opened from `start` to `end` (both included, shop time)."""
    since, until = days_between(start, end)
    tickets = Ticket.objects.filter(created_at__gte=since, created_at__lt=until)
    opened = tickets.count()

    by_channel = _by_choice(tickets, "channel", Channel.choices, opened)
    by_category = _by_choice(tickets, "category", Category.choices, opened)
    by_product = [
        CountRow(name, count, _share(count, opened))
        for _product, name, count in tickets_by_product(tickets)
    ]

    reopens = TicketEvent.objects.filter(ticket=OuterRef("pk"), kind="reopened")
    replies = TicketMessage.objects.filter(ticket=OuterRef("pk"), kind=TicketMessage.Kind.REPLY)
    ever_resolved = TicketEvent.objects.filter(ticket=OuterRef("pk"), to_status="resolved")
    counted = tickets.filter(Exists(ever_resolved)).annotate(
        reopen_count=_count_per_ticket(reopens), reply_count=_count_per_ticket(replies)
    )
    first_contact = Q(reopen_count=0, reply_count__lte=1)
    sla = _compliance(tickets, ever_resolved)
    totals = counted.aggregate(
        resolved=Count("pk"), reopened=Count("pk", filter=Q(reopen_count__gt=0))
    )
    per_agent = list(
        counted.filter(assignee__isnull=False)
        .values("assignee")
        .annotate(resolved=Count("pk"), first_contact=Count("pk", filter=first_contact))
        .order_by("assignee")
    )

    surveys = SatisfactionSurvey.objects.filter(ticket__in=tickets, answered_at__isnull=False)
    csat = _csat("", surveys.aggregate(**_csat_figures()))
    agent_csat = {
        row["agent"]: row
        for row in surveys.filter(agent__isnull=False)
        .values("agent")
        .annotate(**_csat_figures())
        .order_by("agent")
    }
    names = _names({row["assignee"] for row in per_agent} | set(agent_csat))
    empty = {"answers": 0, "average": None, "satisfied": 0}
    csat_by_agent = sorted(
        (_csat(names.get(agent, "—"), row) for agent, row in agent_csat.items()),
        key=lambda row: (-row.answers, row.label),
    )
    category_labels = dict(Category.choices)
    csat_by_category = [
        _csat(str(category_labels.get(row["ticket__category"], row["ticket__category"])), row)
        for row in surveys.values("ticket__category")
        .annotate(**_csat_figures())
        .order_by("-answers", "ticket__category")
    ]
    product_rows = list(
        TicketLine.objects.filter(ticket__in=tickets, ticket__surveys__answered_at__isnull=False)
        .values("order_line__product_id")
        .annotate(**_csat_figures("ticket__surveys__", distinct=True))
        .order_by("-answers", "order_line__product_id")[:20]
    )
    survey_product_names = _product_names(row["order_line__product_id"] for row in product_rows)
    csat_by_product = [
        _csat(survey_product_names.get(row["order_line__product_id"], "—"), row)
        for row in product_rows
    ]
    agents = sorted(
        (
            AgentRow(
                label=names.get(row["assignee"], "—"),
                resolved=row["resolved"],
                first_contact=row["first_contact"],
                csat=_csat("", agent_csat.get(row["assignee"], empty)),
            )
            for row in per_agent
        ),
        key=lambda row: (-row.resolved, row.label),
    )
    return ComplaintReport(
        start=start,
        end=end,
        opened=opened,
        by_channel=by_channel,
        by_category=by_category,
        by_product=by_product,
        first_response=_durations(tickets, "first_response_at"),
        resolution=_durations(tickets, "resolved_at"),
        sla_first_response=sla["first_response"],
        sla_resolution=sla["resolution"],
        resolved=totals["resolved"],
        reopened=totals["reopened"],
        csat=csat,
        csat_by_agent=csat_by_agent,
        csat_by_category=csat_by_category,
        csat_by_product=csat_by_product,
        agents=agents,
    )


def complaints_per_100_orders(start: date, end: date) -> Decimal | None:
    """Complaints opened per 100 orders placed from `start` to `end` (shop time), to one
    decimal; None without orders. Two counts on indexed dates (for crm's dashboard)."""
    since, until = days_between(start, end)
    orders = Order.objects.filter(placed_at__gte=since, placed_at__lt=until).count()
    if not orders:
        return None
    tickets = Ticket.objects.filter(created_at__gte=since, created_at__lt=until).count()
    return (Decimal(100 * tickets) / orders).quantize(Decimal("0.1"))
