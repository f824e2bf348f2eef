"""Staff forms: a procedure version, a new procedure, the quality scorecard and its sample."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Team

from ..models.quality import SCORECARD, QualityReview, Score
from ..services.procedures import TEXT_MAX, VersionTexts
from ..states import Category, Channel


def _text(label: str, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
    )


class ProcedureVersionForm(forms.Form):
    how_to_respond_tr = _text(_("How to respond (Turkish)"))
    how_to_respond_en = _text(_("How to respond (English)"), required=False)
    how_far_to_bend_tr = _text(_("How far to bend (Turkish)"))
    how_far_to_bend_en = _text(_("How far to bend (English)"), required=False)
    where_to_be_firm_tr = _text(_("Where to be firm (Turkish)"))
    where_to_be_firm_en = _text(_("Where to be firm (English)"), required=False)
    compensation_tr = _text(_("Compensation without approval (Turkish)"), required=False)
    compensation_en = _text(_("Compensation without approval (English)"), required=False)
    compensation_amount = forms.DecimalField(
        label=_("Most compensation an agent may give (amount)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )
    compensation_points = forms.IntegerField(
        label=_("Most points an agent may give"), required=False, min_value=0, max_value=10**9
    )
    change_note = forms.CharField(label=_("What changed"), required=False, max_length=255)

    def texts(self) -> VersionTexts:
        return VersionTexts(**{name: self.cleaned_data[name] for name in VERSION_FIELDS})


VERSION_FIELDS = tuple(ProcedureVersionForm.base_fields)


class ProcedureCreateForm(ProcedureVersionForm):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Any channel")), *Channel.choices], required=False
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label=_("Every team"),
    )
    field_order = ["category", "channel", "team"]


class ScorecardForm(forms.Form):
    greeting = forms.TypedChoiceField(coerce=int, choices=Score.choices, widget=forms.RadioSelect)
    procedure = forms.TypedChoiceField(coerce=int, choices=Score.choices, widget=forms.RadioSelect)
    resolution = forms.TypedChoiceField(coerce=int, choices=Score.choices, widget=forms.RadioSelect)
    language = forms.TypedChoiceField(coerce=int, choices=Score.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in SCORECARD:
            self.fields[name].label = QualityReview._meta.get_field(name).verbose_name.capitalize()

    def scores(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in SCORECARD}


def period_data(query) -> dict[str, str]:
    """The period (and sample size) asked for in the query string, the last 30 days unless
    given: the forms below are always bound."""
    today = timezone.localdate()
    return {
        "start": query.get("start") or (today - timedelta(days=30)).isoformat(),
        "end": query.get("end") or today.isoformat(),
        "per_agent": query.get("per_agent") or "3",
    }


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The period ends before it starts."))
        if start and end and (end - start).days > 366:
            raise forms.ValidationError(_("Choose a period of at most a year."))
        return cleaned


class SampleForm(PeriodForm):
    per_agent = forms.IntegerField(
        label=_("Tickets per agent"), min_value=1, max_value=20, initial=3
    )
