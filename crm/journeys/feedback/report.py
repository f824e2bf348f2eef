"""The feedback report: NPS (% promoters 9–10 − % detractors 0–6) with the number of answers
and the response rate, by week, by product category and by carrier, for the surveys sent in a
date range. Computed in the database: five queries whatever the number of surveys."""

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek

from catalog.models import Category
from crm.models import FeedbackSurvey
from orders.models import OrderLine, Shipment
from shop.dates import days_between


@dataclass(frozen=True)
class NpsRow:
    label: object  # a week's Monday (date), a category's or a carrier's name
    sent: int
    answers: int
    promoters: int
    detractors: int

    @property
    def nps(self) -> int | None:
        """Rounded to a whole point; None without answers."""
        if not self.answers:
            return None
        return round(100 * (self.promoters - self.detractors) / self.answers)

    @property
    def response_rate(self) -> int | None:
        """Per cent of the surveys sent that were answered."""
        if not self.sent:
            return None
        return round(100 * self.answers / self.sent)


@dataclass(frozen=True)
class FeedbackReport:
    start: date
    end: date
    total: NpsRow
    by_week: list[NpsRow]
    by_category: list[NpsRow]
    by_carrier: list[NpsRow]


def _figures(prefix: str = "", *, distinct: bool = False) -> dict:
    """Sent, answers, promoters and detractors over the surveys at `prefix` (a relation path)."""
    pk = f"{prefix}pk"
    answered = Q(**{f"{prefix}answered_at__isnull": False})
    return {
        "sent": Count(pk, distinct=distinct),
        "answers": Count(pk, distinct=distinct, filter=answered),
        "promoters": Count(
            pk, distinct=distinct, filter=answered & Q(**{f"{prefix}score__gte": 9})
        ),
        "detractors": Count(
            pk, distinct=distinct, filter=answered & Q(**{f"{prefix}score__lte": 6})
        ),
    }


def _row(label: object, values: dict) -> NpsRow:
    return NpsRow(
        label=label,
        sent=values["sent"],
        answers=values["answers"],
        promoters=values["promoters"],
        detractors=values["detractors"],
    )


def surveys_sent(start: date, end: date) -> QuerySet[FeedbackSurvey]:
    """The surveys sent from `start` to `end` (both included, shop time)."""
    since, until = days_between(start, end)
    return FeedbackSurvey.objects.filter(sent_at__gte=since, sent_at__lt=until)


def nps_by_week(start: date, end: date) -> list[NpsRow]:
    """The surveys sent in the dates by the shop week (Monday) they were sent: one query. The
    report's weeks and the analytics dashboard's NPS trend."""
    weeks = (
        surveys_sent(start, end)
        .annotate(week=TruncWeek("sent_at", tzinfo=ZoneInfo(settings.TIME_ZONE)))
        .values("week")
        .annotate(**_figures())
        .order_by("week")
    )
    return [_row(values["week"].date(), values) for values in weeks]


def feedback_report(*, start: date, end: date) -> FeedbackReport:
    """The figures for surveys sent from `start` to `end` (both included, shop time)."""
    since, until = days_between(start, end)
    surveys = surveys_sent(start, end)
    total = _row("", surveys.aggregate(**_figures()))
    by_week = nps_by_week(start, end)

    # An order counts once in each category (or carrier) it holds, however many lines.
    in_range = Q(order__feedback__sent_at__gte=since, order__feedback__sent_at__lt=until)
    categories = list(
        OrderLine.objects.filter(in_range)
        .values("product__category_id")
        .annotate(**_figures("order__feedback__", distinct=True))
        .order_by("product__category_id")
    )
    names = {
        category.pk: category.name
        for category in Category.objects.filter(
            pk__in=[values["product__category_id"] for values in categories]
        )
    }
    by_category = sorted(
        (_row(names.get(values["product__category_id"], "—"), values) for values in categories),
        key=lambda row: (-row.answers, str(row.label)),
    )
    carriers = (
        Shipment.objects.filter(in_range)
        .values("carrier_id", "carrier__name")
        .annotate(**_figures("order__feedback__", distinct=True))
        .order_by("carrier__name")
    )
    by_carrier = sorted(
        (_row(values["carrier__name"], values) for values in carriers),
        key=lambda row: (-row.answers, str(row.label)),
    )
    return FeedbackReport(
        start=start,
        end=end,
        total=total,
        by_week=by_week,
        by_category=by_category,
        by_carrier=by_carrier,
    )
