"""The small forms of the 360's actions (each page: one form, one service)."""

import secrets
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm.models import Interaction
from crm.notifications.models import Channel
from orders.models import Order
from shop.models import User

from .placeholders import PLACEHOLDERS


def new_token() -> str:
    """A fresh form token: a double submit of one form carries the same one."""
    return secrets.token_urlsafe(24)


class TokenForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", new_token())


class OrderOfCustomerField(forms.CharField):
    """An order number, which must be one of this customer's orders."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.customer: User | None = None

    def clean(self, value: object) -> Order | None:
        number = (super().clean(value) or "").strip().upper()
        if not number:
            return None
        order = Order.objects.filter(number=number).only("number", "user_id").first()
        if order is None or self.customer is None or order.user_id != self.customer.pk:
            raise forms.ValidationError(
                _("%(number)s is not an order of this customer.") % {"number": number}
            )
        return order


class CustomerForm(forms.Form):
    """A form about one customer: fields that need her (an order of hers) are told who."""

    def __init__(self, *args: object, customer: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
        for field in self.fields.values():
            if isinstance(field, OrderOfCustomerField):
                field.customer = customer


def _without(choices: type, *left_out: str) -> list[tuple[str, str]]:
    return [(value, label) for value, label in choices.choices if value not in left_out]


class InteractionForm(CustomerForm):
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=_without(Interaction.Channel, Interaction.Channel.NOTE),
        initial=Interaction.Channel.PHONE,
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=_without(Interaction.Direction, Interaction.Direction.INTERNAL),
        initial=Interaction.Direction.INBOUND,
        widget=forms.RadioSelect,
    )
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}))
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=_without(Interaction.Outcome, Interaction.Outcome.NOTED)
    )
    order = OrderOfCustomerField(label=_("Order number (if it was about an order)"))
    recording_ref = forms.CharField(
        label=_("Call recording reference"), max_length=200, required=False
    )


class NoteForm(CustomerForm):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}))
    order = OrderOfCustomerField(label=_("Order number (if it is about an order)"))


class ConsentForm(CustomerForm):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    granted = forms.TypedChoiceField(
        label=_("The customer"),
        choices=[("1", _("gives consent")), ("0", _("withdraws consent"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note (what was said)"), max_length=255, required=False)


class MessageForm(TokenForm, CustomerForm):
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(Channel.EMAIL, Channel.EMAIL.label), (Channel.SMS, Channel.SMS.label)],
        widget=forms.RadioSelect,
        initial=Channel.EMAIL,
    )
    order = OrderOfCustomerField(
        label=_("Order number (if it is about an order)"),
        help_text=_("About an order or a complaint the message is a service message; otherwise "
                    "it is marketing, and goes only with the customer's consent."),
    )  # fmt: skip
    complaint = forms.CharField(
        label=_("Complaint number (if it is about a complaint)"), max_length=40, required=False
    )
    subject = forms.CharField(label=_("Subject (email)"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=2000,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Formatted per request, in the agent's language (a lazy text formatted at import would
        # be fixed in the language active then).
        names = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
        self.fields["body"].help_text = gettext(
            "The greeting (“Hello Ayşe,”) is added for you. You can use: %(names)s."
        ) % {"names": names}

    def clean(self) -> dict:
        data = super().clean()
        if data.get("order") and (data.get("complaint") or "").strip():
            raise forms.ValidationError(_("Choose an order or a complaint, not both."))
        return data


class CouponForm(TokenForm, CustomerForm):
    value = forms.DecimalField(
        label=_("Amount off"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    valid_days = forms.IntegerField(
        label=_("Valid for (days)"),
        initial=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)


class PointsForm(TokenForm, CustomerForm):
    points = forms.IntegerField(
        label=_("Points"), validators=[MinValueValidator(1), MaxValueValidator(1_000_000)]
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)
