"""A guest's "Track your order": the order number and the email address."""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _


class TrackForm(forms.Form):
    NUMBER_MAX_LENGTH = 20
    number = forms.CharField(label=_("Order number"), max_length=NUMBER_MAX_LENGTH)
    email = forms.EmailField(label=_("Email address"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.initial.get("number") and not self.is_bound:
            self.fields["email"].widget.attrs["autofocus"] = True  # the one thing left to type

    @classmethod
    def prefill(cls, query: QueryDict) -> dict:
        """The number from a "Track your order" link (`?number=`); anything too long is left
        out rather than shown as an error before the guest typed anything."""
        number = query.get("number", "").strip()
        return {"number": number} if 0 < len(number) <= cls.NUMBER_MAX_LENGTH else {}
