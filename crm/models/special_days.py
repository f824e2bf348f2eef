"""The special days the shop greets its customers on (crm/journeys/special_days.py): national
days, the bayrams, Mother's Day and the like. Each row says how its date is found every year;
staff edit them, switch them off and add their own (kandil nights, one date a year)."""

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.models import CalendarDay


class SpecialDayRule(models.TextChoices):
    HOLIDAY = "holiday", _("A holiday of the business calendar (its first day)")
    FIXED = "fixed", _("The same day every year")
    NTH_WEEKDAY = "nth_weekday", _("A weekday of a month (e.g. the 2nd Sunday of May)")
    DATE = "date", _("One date only (add one each year)")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeekOfMonth(models.IntegerChoices):
    FIRST = 1, _("1st")
    SECOND = 2, _("2nd")
    THIRD = 3, _("3rd")
    FOURTH = 4, _("4th")
    LAST = -1, _("last")


# The calendar's holidays as the rule reads them: name -> the first day of each run of days.
HolidayFirstDays = dict[str, list[datetime.date]]


def holiday_first_days(rows: Iterable[tuple[datetime.date, str]]) -> HolidayFirstDays:
    """From calendar rows (date, name), each holiday's first days: a multi-day bayram is one
    run of consecutive days, and a day may carry two names ("Atatürk'ü Anma…; Kurban Bayramı")."""
    by_name: dict[str, set[datetime.date]] = defaultdict(set)
    for day, name in rows:
        for part in name.split(";"):
            if part.strip():
                by_name[part.strip()].add(day)
    return {
        name: [day for day in sorted(days) if day - datetime.timedelta(days=1) not in days]
        for name, days in by_name.items()
    }


class SpecialDay(models.Model):
    """One occasion and how its date is found each year; switched on or off by staff."""

    # Rows the shop seeds carry a key, so seeding again never makes a second one.
    seed_key = models.CharField(max_length=40, unique=True, null=True, blank=True, editable=False)
    name = models.CharField(_("name (Turkish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    rule = models.CharField(_("how the date is found"), max_length=12, choices=SpecialDayRule)
    holiday_name = models.CharField(
        _("holiday in the calendar"),
        max_length=160,
        blank=True,
        help_text=_("Its Turkish name in the business calendar, e.g. Ramazan Bayramı."),
    )
    month = models.PositiveSmallIntegerField(
        _("month"), null=True, blank=True, choices=[(m, m) for m in range(1, 13)]
    )
    day = models.PositiveSmallIntegerField(_("day of the month"), null=True, blank=True)
    weekday = models.PositiveSmallIntegerField(_("weekday"), null=True, blank=True, choices=Weekday)
    week = models.SmallIntegerField(_("which one"), null=True, blank=True, choices=WeekOfMonth)
    date = models.DateField(_("date"), null=True, blank=True)
    enabled = models.BooleanField(_("greet on this day"), default=True)
    coupon = models.ForeignKey(
        "orders.Coupon",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("coupon for everyone"),
        help_text=_("Optional: its code goes into every greeting."),
    )
    greeting = models.CharField(_("own greeting line (Turkish)"), max_length=300, blank=True)
    greeting_en = models.CharField(_("own greeting line (English)"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("special day")
        verbose_name_plural = _("special days")
        ordering = ["month", "day", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        missing = {
            SpecialDayRule.HOLIDAY: ["holiday_name"],
            SpecialDayRule.FIXED: ["month", "day"],
            SpecialDayRule.NTH_WEEKDAY: ["month", "weekday", "week"],
            SpecialDayRule.DATE: ["date"],
        }.get(self.rule, [])
        errors = {
            name: _("Needed for this rule.")
            for name in missing
            if getattr(self, name) in (None, "")
        }
        named = CalendarDay.objects.filter(name__contains=self.holiday_name.strip())
        if not errors and self.rule == SpecialDayRule.HOLIDAY and not named.exists():
            errors["holiday_name"] = _(
                "The business calendar has no holiday of that name; write it as the calendar does."
            )
        if not errors and self.rule == SpecialDayRule.FIXED:
            try:
                datetime.date(2000, self.month, self.day)  # a leap year: 29 February is allowed
            except ValueError:
                errors["day"] = _("That month has no such day.")
        if errors:
            raise ValidationError(errors)

    def name_in(self, language: str) -> str:
        return self.name if language.startswith("tr") or not self.name_en else self.name_en

    def greeting_in(self, language: str) -> str:
        return self.greeting if language.startswith("tr") else self.greeting_en

    def dates_in(self, year: int, holidays: HolidayFirstDays) -> list[datetime.date]:
        """The days it falls on in `year` (none when the calendar lacks the holiday that year);
        29 February is kept on 28 February in a common year."""
        if self.rule == SpecialDayRule.HOLIDAY:
            return [d for d in holidays.get(self.holiday_name.strip(), []) if d.year == year]
        if self.rule == SpecialDayRule.DATE:
            return [self.date] if self.date and self.date.year == year else []
        if self.month is None:
            return []
        if self.rule == SpecialDayRule.FIXED and self.day:
            last = calendar.monthrange(year, self.month)[1]
            return [datetime.date(year, self.month, min(self.day, last))]
        if self.rule == SpecialDayRule.NTH_WEEKDAY and self.weekday is not None and self.week:
            days = [
                week[self.weekday]
                for week in calendar.Calendar().monthdatescalendar(year, self.month)
                if week[self.weekday].month == self.month
            ]
            index = self.week - 1 if self.week > 0 else -1
            return [days[index]] if -len(days) <= index < len(days) else []
        return []

    def next_occurrence(
        self, *, today: datetime.date, holidays: HolidayFirstDays
    ) -> datetime.date | None:
        """The first day on or after `today` it falls on (this year or next), if known."""
        for year in (today.year, today.year + 1):
            upcoming = [day for day in self.dates_in(year, holidays) if day >= today]
            if upcoming:
                return upcoming[0]
        return None
