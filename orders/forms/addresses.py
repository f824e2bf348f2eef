"""The address book's form (a delivery or billing address with its identity)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shop.phones import clean_mobile, format_mobile

from ..geo import PROVINCES, province_name
from ..models import Address, BillingType


class AddressForm(forms.ModelForm):
    default_shipping = forms.BooleanField(
        label=_("Use as my default delivery address"), required=False
    )
    default_billing = forms.BooleanField(
        label=_("Use as my default billing address"), required=False
    )

    class Meta:
        model = Address
        fields = [
            "label",
            "full_name",
            "phone",
            "country",
            "province",
            "district",
            "neighbourhood",
            "street",
            "postal_code",
            "billing_type",
            "national_id",
            "company_name",
            "tax_office",
            "tax_number",
        ]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "country": forms.TextInput(attrs={"autocomplete": "country", "maxlength": 2}),
            "province": forms.TextInput(
                attrs={"autocomplete": "address-level1", "list": "provinces"}
            ),
            "district": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "street": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "postal_code": forms.TextInput(
                attrs={"autocomplete": "postal-code", "inputmode": "numeric"}
            ),
            "national_id": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 11}),
            "tax_number": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 10}),
            "billing_type": forms.RadioSelect,
        }

    provinces = sorted(PROVINCES.values())

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["default_shipping"] = self.instance.is_default_shipping
            self.initial["default_billing"] = self.instance.is_default_billing
            if not self.is_bound:
                self.initial["phone"] = format_mobile(self.instance.phone)

    def clean_country(self) -> str:
        return self.cleaned_data["country"].strip().upper()

    def clean_phone(self) -> str:
        return clean_mobile(self.cleaned_data["phone"])

    def clean_province(self) -> str:
        return province_name(self.cleaned_data["province"].strip())

    def clean(self) -> dict:
        """Keep only the chosen identity's details: the other's fields may be hidden, not empty."""
        data = super().clean()
        other = (
            ("national_id",)
            if data.get("billing_type") == BillingType.COMPANY
            else ("company_name", "tax_office", "tax_number")
        )
        for name in other:
            data[name] = ""
        return data
