"""The dashboard's period: a date range and what to compare it with."""

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from shop.forms import ReportRangeForm

from .panels import Period

# The longest range one view covers: two years of days (a longer one is refused, not slow).
MAX_DAYS = 731
DEFAULT_DAYS = 28


class Compare:
    PREVIOUS = "previous"
    LAST_YEAR = "last_year"
    NONE = "none"
    CHOICES = [
        (PREVIOUS, _("The period before")),
        (LAST_YEAR, _("The same dates a year before")),
        (NONE, _("Nothing")),
    ]


class DashboardForm(ReportRangeForm):
    compare = forms.ChoiceField(
        label=_("Compare with"),
        choices=Compare.CHOICES,
        initial=Compare.PREVIOUS,
        required=False,
    )

    def __init__(self, *args: object, today: date, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end > self.today:
                self.add_error("end", _("The end date cannot be after today."))
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error(
                    "start", _("Choose at most %(days)s days at once.") % {"days": MAX_DAYS}
                )
        return data


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def period_of(start: date, end: date, compare: str, today: date) -> Period:
    if compare == Compare.PREVIOUS:
        length = (end - start).days + 1
        compare_end = start - timedelta(days=1)
        return Period(start, end, today, compare_end - timedelta(days=length - 1), compare_end)
    if compare == Compare.LAST_YEAR:
        return Period(start, end, today, _year_before(start), _year_before(end))
    return Period(start, end, today)


def dashboard_period(params: dict, *, today: date) -> tuple[DashboardForm, Period]:
    """The form and the period it asks for: the dates asked for when valid, else the last
    DEFAULT_DAYS days up to today against the period before."""
    default = {
        "start": today - timedelta(days=DEFAULT_DAYS - 1),
        "end": today,
        "compare": Compare.PREVIOUS,
    }
    bound = "start" in params or "end" in params
    form = DashboardForm(params if bound else None, initial=default, today=today)
    chosen = form.cleaned_data if bound and form.is_valid() else default
    compare = chosen.get("compare") or Compare.PREVIOUS
    return form, period_of(chosen["start"], chosen["end"], compare, today)
