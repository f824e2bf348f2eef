"""Staff screen of the special days: edit, switch off, add (a kandil night, a shop's own day);
the list shows when each falls next, from one read of the business calendar."""

import datetime

from django.contrib import admin
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from ..journeys.special_days import calendar_holidays
from ..models import SpecialDay
from ..models.special_days import HolidayFirstDays


def _holidays_from(today: datetime.date) -> HolidayFirstDays:
    return calendar_holidays(start=today, end=today.replace(year=today.year + 1, month=12, day=31))


def _shown(day: datetime.date | None) -> str:
    if day is None:
        return str(_("not known yet"))
    return formats.date_format(day, "DATE_FORMAT")


@admin.register(SpecialDay)
class SpecialDayAdmin(admin.ModelAdmin):
    list_display_links = ("name",)
    list_filter = ("enabled", "rule")
    search_fields = ("name", "name_en")
    raw_id_fields = ("coupon",)
    readonly_fields = ("next_occurrence",)
    fieldsets = (
        (None, {"fields": ("name", "name_en", "enabled", "next_occurrence")}),
        (
            _("When"),
            {
                "fields": ("rule", "holiday_name", "month", "day", "weekday", "week", "date"),
                "description": _(
                    "Fill in what the rule needs: a holiday's name in the business calendar; "
                    "a month and day; a month, weekday and which one; or a single date."
                ),
            },
        ),
        (_("Greeting"), {"fields": ("greeting", "greeting_en", "coupon")}),
    )

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("coupon")

    def get_list_display(self, request: HttpRequest) -> tuple:
        """The columns; "next" reads the calendar once for the whole list, on first use."""
        today = timezone.localdate()
        read: list[HolidayFirstDays] = []

        @admin.display(description=_("next occurrence"))
        def next_day(obj: SpecialDay) -> str:
            if not read:
                read.append(_holidays_from(today))
            return _shown(obj.next_occurrence(today=today, holidays=read[0]))

        return ("name", "name_en", "rule", next_day, "enabled", "coupon")

    @admin.display(description=_("next occurrence"))
    def next_occurrence(self, obj: SpecialDay) -> str:
        if obj.pk is None:
            return "—"
        today = timezone.localdate()
        return _shown(obj.next_occurrence(today=today, holidays=_holidays_from(today)))
