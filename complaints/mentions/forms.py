"""The mention inbox's staff forms: the CSV upload and the three triage decisions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import CrisisAlert, CrisisScenario, CrisisStatus, MentionClass
from ..states import Category, Priority

CLASSIFICATION_CHOICES = [("", _("(keep as it is)")), *MentionClass.choices]


class MentionUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: source, url, author, text, posted_at; optional: classification, sku, order."
        ),
    )


class MentionTicketForm(forms.Form):
    category = forms.ChoiceField(label=_("What the complaint is about"), choices=Category.choices)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    contact_email = forms.EmailField(
        label=_("The author's email"),
        required=False,
        help_text=_("Ask the author in a direct message; not needed when an order is linked."),
    )
    contact_phone = forms.CharField(label=_("The author's mobile phone"), required=False)
    classification = forms.ChoiceField(
        label=_("Classification"), choices=CLASSIFICATION_CHOICES, required=False
    )


class MentionDismissForm(forms.Form):
    reason = forms.CharField(label=_("Why it needs no answer"), max_length=300)
    classification = forms.ChoiceField(
        label=_("Classification"), choices=CLASSIFICATION_CHOICES, required=False
    )


class MentionCrisisForm(forms.Form):
    alert = forms.ModelChoiceField(
        label=_("An open crisis alert"),
        queryset=CrisisAlert.objects.none(),
        required=False,
        empty_label=_("(a new alert for the scenario below)"),
    )
    scenario = forms.ChoiceField(
        label=_("Scenario"), choices=[("", "---------"), *CrisisScenario.choices], required=False
    )
    classification = forms.ChoiceField(
        label=_("Classification"), choices=CLASSIFICATION_CHOICES, required=False
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["alert"].queryset = CrisisAlert.objects.exclude(
            status=CrisisStatus.CLOSED
        ).order_by("-raised_at")

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("alert") and not data.get("scenario"):
            raise forms.ValidationError(_("Choose an open crisis alert or a scenario."))
        return data
