"""The product page's ask and answer forms: plain text, with limits said in words."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ANSWER_MAX_LENGTH, QUESTION_MAX_LENGTH


def _text(label: object, limit: int, empty: object, too_long: object) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": empty, "max_length": too_long},
    )


class QuestionForm(forms.Form):
    body = _text(
        _("Your question"),
        QUESTION_MAX_LENGTH,
        _("Please write your question."),
        _("Please keep your question to %(limit_value)d characters (it has %(show_value)d)."),
    )
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        required=False,
        help_text=_("We email you a link to confirm it, and again when your question is answered."),
        error_messages={"invalid": _("Enter a valid email address, like name@example.com.")},
    )

    def __init__(self, *args: object, signed_in: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if signed_in:
            del self.fields["email"]
        else:
            self.fields["email"].required = True
            self.fields["email"].error_messages["required"] = _(
                "Enter your email address: we write to it once your question is answered."
            )


class AnswerForm(forms.Form):
    body = _text(
        _("Your answer"),
        ANSWER_MAX_LENGTH,
        _("Please write your answer."),
        _("Please keep your answer to %(limit_value)d characters (it has %(show_value)d)."),
    )


class VoteForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("yes", "yes"), ("no", "no")], coerce=lambda v: v == "yes"
    )
