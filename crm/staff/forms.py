"""The site's "Call me back" form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import Callback


class CallbackRequestForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = forms.CharField(
        label=_("Phone number to call"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "inputmode": "tel", "aria-describedby": "id_phone-help"}
        ),
        help_text=_("For example 0532 123 45 67, or an international number with +."),
    )
    window_start = forms.DateTimeField(
        label=_("Call me from"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    window_end = forms.DateTimeField(
        label=_("Call me until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    topic = forms.ChoiceField(label=_("What is it about?"), choices=Callback.Topic)
    order_number = forms.CharField(
        label=_("Order number (if it is about an order)"), max_length=20, required=False
    )
