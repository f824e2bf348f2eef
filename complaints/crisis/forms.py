from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import CrisisScenario


class CrisisAcknowledgeForm(forms.Form):
    scenario = forms.ChoiceField(
        label=_("Crisis plan to follow"),
        choices=[("", _("(keep the alert's)")), *CrisisScenario.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class CrisisCloseForm(forms.Form):
    note = forms.CharField(
        label=_("How the crisis ended"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
