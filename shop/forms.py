from datetime import date, timedelta

from django import forms
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import widgets
from .models import User
from .phones import clean_mobile, format_mobile
from .time_zones import time_zone_choices


class ProfileForm(forms.ModelForm):
    # Grouped choices (Türkiye, common cities, every zone by city); the value is the IANA name.
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        widget=widgets.Select,  # about 400 zones: one template per option cost 50 ms a page
        help_text=_(
            "Türkiye comes first, then common cities; the full list is sorted by city: "
            "type a city's name to jump to it."
        ),
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a time zone we know. Choose a city from the list."
            )
        },
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone", "language", "time_zone"]
        widgets = {
            "phone": forms.TextInput(
                attrs={"autocomplete": "tel", "inputmode": "tel", "placeholder": "0532 123 45 67"}
            ),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()  # in the page's language
        if self.instance and self.instance.phone and not self.is_bound:
            self.initial["phone"] = format_mobile(self.instance.phone)

    def clean_phone(self) -> str:
        return clean_mobile(self.cleaned_data.get("phone", ""))


class ReportRangeForm(forms.Form):
    """The dates a staff report covers (both included)."""

    # A date input takes its value as YYYY-MM-DD, whatever the page's language.
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        return data


def report_range(request: HttpRequest, *, weeks: int) -> tuple[ReportRangeForm, date, date]:
    """A staff report's range form and the dates it covers: those asked for when valid, else
    the last `weeks` weeks up to today (both days included)."""
    today = timezone.localdate()
    default = {"start": today - timedelta(weeks=weeks), "end": today}
    form = ReportRangeForm(request.GET if "start" in request.GET else None, initial=default)
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else default
    return form, chosen["start"], chosen["end"]
