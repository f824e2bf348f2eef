"""The survey's form: a score from 0 to 10 (radio buttons), a comment, the extra question."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import COMMENT_MAX

SCORES = [(n, str(n)) for n in range(11)]


class FeedbackForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How likely are you to recommend us to a friend or colleague?"),
        help_text=_("0 = not at all likely, 10 = extremely likely"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a score from 0 to 10."),
            "invalid_choice": _("Choose a score from 0 to 10."),
        },
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us? (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: object, question: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if question:
            self.fields["extra_answer"] = forms.CharField(
                label=question,
                required=False,
                max_length=COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
