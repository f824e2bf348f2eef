"""The chat's forms: a guest's start, a message, a rating; the console's reply and transfer."""

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import Team
from crm.models.chat import MESSAGE_MAX_LENGTH
from shop.models import User


class ChatStartForm(forms.Form):
    """A guest gives an email (and a name), or an order number with the order's email."""

    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    number = forms.CharField(
        label=_("Order number (optional)"),
        max_length=20,
        required=False,
        help_text=_("With the email address of the order, we can see it while we talk."),
        widget=forms.TextInput(attrs={"aria-describedby": "id_number-help"}),
    )


class ChatMessageForm(forms.Form):
    # The length is checked by the service, with its message (the box stops at the limit).
    body = forms.CharField(
        label=_("Your message"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": MESSAGE_MAX_LENGTH}),
    )


class ChatRatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How did we do?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a rating from 1 to 5."),
            "invalid_choice": _("Choose a rating from 1 to 5."),
        },
    )


class ChatReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MESSAGE_MAX_LENGTH}),
    )


class ChatTransferForm(forms.Form):
    agent = forms.ModelChoiceField(
        label=_("To an agent"),
        queryset=User.objects.none(),
        required=False,
    )
    team = forms.ModelChoiceField(
        label=_("Or to a team's queue"), queryset=Team.objects.none(), required=False
    )

    def __init__(self, *args: object, agents: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents if agents is not None else User.objects.none()
        self.fields["team"].queryset = Team.objects.order_by("name").only("pk", "name")

    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("agent")) == bool(data.get("team")):
            raise forms.ValidationError(_("Choose an agent or a team."))
        return data
