"""The cart's forms: adding, quantities, a coupon, points, and the province for shipping."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..geo import PROVINCES_IN_ORDER, province_name


class CartAddForm(forms.Form):
    variant = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=999, initial=1)


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, max_value=999)


class CouponForm(forms.Form):
    code = forms.CharField(
        label=_("Coupon code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class PointsForm(forms.Form):
    points = forms.IntegerField(
        label=_("Points to use"),
        min_value=0,
        max_value=10_000_000,
        error_messages={"invalid": _("Enter a whole number of points.")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class ProvinceForm(forms.Form):
    """The province shipping is estimated for: one of Turkey's 81, however it is capitalised."""

    province = forms.CharField(label=_("Your province"), max_length=60)
    next = forms.CharField(required=False, max_length=2000)

    def clean_province(self) -> str:
        name = province_name(self.cleaned_data["province"].strip())
        if name not in PROVINCES_IN_ORDER:
            raise forms.ValidationError(_("Choose a province of Turkey."))
        return name
