"""A phone order in the admin: who it is for, the items by SKU, and placing it."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from shop.phones import clean_mobile

from .checkout import CheckoutAddressForm


class PhoneOrderStartForm(forms.Form):
    """Who the agent takes an order for: an account (found by its email) or a guest's email."""

    email = forms.EmailField(label=_("Customer's email"))
    full_name = forms.CharField(label=_("Full name"), max_length=120, required=False)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    language = forms.ChoiceField(label=_("Language of the messages"), choices=settings.LANGUAGES)

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        return clean_mobile(phone) if phone else ""


class PhoneOrderAddForm(forms.Form):
    """A product added by its SKU, as the customer reads it from the catalog or the site."""

    sku = forms.CharField(label=_("SKU"), max_length=64)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=999, initial=1)


class PhoneOrderPlaceForm(CheckoutAddressForm):
    """The delivery and billing address, the shipping method and the way to pay, and what the
    customer accepted on the call."""

    token = forms.CharField(widget=forms.HiddenInput)
    email = forms.EmailField(label=_("Customer's email"))
    language = forms.ChoiceField(label=_("Language of the messages"), choices=settings.LANGUAGES)
    shipping_method = forms.TypedChoiceField(
        label=_("Shipping method"), coerce=int, required=False, empty_value=None
    )
    payment_method = forms.ChoiceField(label=_("Payment method"))
    accept_terms = forms.BooleanField(
        label=_(
            "I read the pre-information form and the distance sales contract to the customer, "
            "who accepted them."
        ),
        required=False,
    )
    accept_digital_waiver = forms.BooleanField(
        label=_("The customer agreed that the right of withdrawal ends when a download starts."),
        required=False,
    )

    def __init__(
        self,
        *args: object,
        shipping_methods: list = (),
        payment_methods: list[tuple[str, str]] = (),
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shipping_method"].choices = [("", _("The cheapest offered"))] + [
            (method.pk, str(method)) for method in shipping_methods
        ]
        self.fields["payment_method"].choices = list(payment_methods)
