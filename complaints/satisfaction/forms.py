"""The survey: a score from 1 to 5, "was it solved?", a comment."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..services.satisfaction import COMMENT_MAX

SCORES = [
    (1, _("1 – very unhappy")),
    (2, _("2 – unhappy")),
    (3, _("3 – so-so")),
    (4, _("4 – happy")),
    (5, _("5 – very happy")),
]
SOLVED = [("yes", _("Yes")), ("no", _("No"))]


class SatisfactionForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How happy are you with how we handled your complaint?"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a score from 1 to 5."),
            "invalid_choice": _("Choose a score from 1 to 5."),
        },
    )
    solved = forms.ChoiceField(
        label=_("Is your problem solved?"),
        choices=SOLVED,
        widget=forms.RadioSelect,
        required=False,
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us? (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def solved_answer(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("solved") or "")
