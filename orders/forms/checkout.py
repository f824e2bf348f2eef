"""The checkout form: contact, address choices, shipping, payment and the legal acceptances."""

from django import forms
from django.utils.translation import gettext_lazy as _

from payments.services import payment_checkout_fields
from shop.phones import clean_mobile

from ..models import Address
from .addresses import AddressForm


class CheckoutAddressForm(AddressForm):
    """A delivery or billing address typed in at checkout (saved to the book on request)."""

    class Meta(AddressForm.Meta):
        fields = [f for f in AddressForm.Meta.fields if f != "label"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["default_shipping"]
        del self.fields["default_billing"]


NEW = "new"


class CheckoutForm(forms.Form):
    """Contact, address choices, shipping, payment and the legal acceptances."""

    token = forms.CharField(widget=forms.HiddenInput)
    items_total = forms.DecimalField(widget=forms.HiddenInput, decimal_places=2)
    grand_total = forms.DecimalField(widget=forms.HiddenInput, decimal_places=2)
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        help_text=_("For delivery updates by SMS."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    shipping_choice = forms.ChoiceField(label=_("Delivery address"), required=False)
    billing_same = forms.BooleanField(
        label=_("Send the invoice to the delivery address"), required=False, initial=True
    )
    billing_choice = forms.ChoiceField(label=_("Billing address"), required=False)
    save_address = forms.BooleanField(
        label=_("Save the new address in my address book"), required=False, initial=True
    )
    shipping_method = forms.TypedChoiceField(
        label=_("Shipping method"), coerce=int, required=False, widget=forms.RadioSelect
    )
    payment_method = forms.ChoiceField(
        label=_("Payment method"), required=False, widget=forms.RadioSelect
    )
    accept_terms = forms.BooleanField(
        label=_("I have read and accept the pre-information form and the distance sales contract."),
        required=False,
    )
    accept_digital_waiver = forms.BooleanField(
        label=_(
            "I agree that the digital content is delivered at once and that my right of "
            "withdrawal ends when the delivery starts."
        ),
        required=False,
    )

    def __init__(
        self,
        *args: object,
        addresses: list[Address] = (),
        shipping_ids: list[int] = (),
        payment_methods: list[str] = (),
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        saved = [(str(a.pk), str(a)) for a in addresses]
        self.fields["shipping_choice"].choices = [*saved, (NEW, _("A new address"))]
        self.fields["billing_choice"].choices = [*saved, (NEW, _("A new address"))]
        self.fields["shipping_method"].choices = [(pk, str(pk)) for pk in shipping_ids]
        self.fields["payment_method"].choices = [(m, m) for m in payment_methods]
        # What a method asks at checkout (the e-check's signed check), right after the choice.
        names = list(self.fields)
        at = names.index("payment_method") + 1
        extra = payment_checkout_fields()
        self.fields = {
            **{name: self.fields[name] for name in names[:at]},
            **extra,
            **{name: self.fields[name] for name in names[at:]},
        }

    def clean_phone(self) -> str:
        return clean_mobile(self.cleaned_data["phone"])
