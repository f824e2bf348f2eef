from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from payments.services import payment_checkout_fields
from shop.phones import clean_mobile, format_mobile

from .geo import PROVINCES, PROVINCES_IN_ORDER, province_name
from .models import Address, BillingType
from .states import ReturnReason


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


class ReturnForm(forms.Form):
    """Which units of which lines come back: one number per returnable line (no JavaScript)."""

    reason_code = forms.ChoiceField(
        label=_("Why are you returning it?"),
        choices=[("", _("I'd rather not say")), *ReturnReason.choices],
        required=False,
    )
    reason = forms.CharField(
        label=_("What is wrong with the item?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    # Cash collected at the door comes back by bank transfer unless the customer chooses credit.
    BANK_TRANSFER, STORE_CREDIT = "bank_transfer", "store_credit"
    REFUND_FIELDS = ("refund_to", "account_holder", "iban")

    def __init__(
        self,
        *args: object,
        returnable: list,
        needs_reason: bool,
        refund_choice: bool = False,
        store_credit: bool = False,
        **kwargs: object,
    ):
        super().__init__(*args, **kwargs)
        self.returnable = returnable
        self.refund_choice = refund_choice
        if refund_choice:
            choices = [(self.BANK_TRANSFER, _("Bank transfer to my account"))]
            if store_credit:
                choices.append((self.STORE_CREDIT, _("Store credit (my prepaid balance)")))
            self.fields["refund_to"] = forms.ChoiceField(
                label=_("How do you want the money back?"),
                choices=choices,
                initial=self.BANK_TRANSFER,
                required=False,  # a bank transfer unless the customer chooses credit
                widget=forms.RadioSelect,
            )
            self.fields["account_holder"] = forms.CharField(
                label=_("Account holder"), max_length=140, required=False
            )
            self.fields["iban"] = forms.CharField(
                label=_("IBAN"),
                max_length=42,
                required=False,
                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            )
        for item in returnable:
            line = item.line
            name = line.product_name + (f" ({line.variant_name})" if line.variant_name else "")
            self.fields[f"quantity_{line.pk}"] = forms.IntegerField(
                label=name,
                min_value=0,
                max_value=item.left,
                initial=0,
                required=False,
                help_text=_("Up to %(left)s") % {"left": item.left},
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        self.fields["reason"].required = needs_reason
        # Optional: a withdrawal owes no reason, and a claim says what is wrong in its text.
        if not needs_reason:
            self.fields["reason"].label = _("Anything you want to tell us (optional)")
        refund_fields = list(self.REFUND_FIELDS) if refund_choice else []
        self.order_fields(
            [*(f"quantity_{item.line.pk}" for item in returnable), "reason", *refund_fields]
        )

    def quantities(self) -> dict[int, int]:
        return {
            item.line.pk: self.cleaned_data.get(f"quantity_{item.line.pk}") or 0
            for item in self.returnable
        }

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.errors and not any(self.quantities().values()):
            raise forms.ValidationError(_("Choose at least one item and how many of it to return."))
        if self.refund_choice and cleaned.get("refund_to") != self.STORE_CREDIT:
            # The IBAN may be given later (staff ask for it); half an account is refused.
            if (cleaned.get("account_holder") or "").strip() and not (
                cleaned.get("iban") or ""
            ).strip():
                self.add_error("iban", _("Enter the IBAN of the account to refund to."))
            if (cleaned.get("iban") or "").strip() and not (
                cleaned.get("account_holder") or ""
            ).strip():
                self.add_error("account_holder", _("Enter the account holder's name."))
        return cleaned

    def refund_destination(self) -> dict[str, str]:
        """Where the customer wants cash refunded, for return_request (empty: not asked)."""
        if not self.refund_choice:
            return {}
        refund_to = self.cleaned_data.get("refund_to") or self.BANK_TRANSFER
        if refund_to == self.BANK_TRANSFER and not (self.cleaned_data.get("iban") or "").strip():
            return {}  # no account given yet: a bank transfer, staff ask for the IBAN
        return {
            "refund_to": refund_to,
            "account_holder": self.cleaned_data.get("account_holder") or "",
            "iban": self.cleaned_data.get("iban") or "",
        }


class RefundAccountForm(forms.Form):
    """Where a cash refund waiting for an account goes: a bank transfer to this account, or
    store credit (offered to account holders only)."""

    BANK_TRANSFER, STORE_CREDIT = ReturnForm.BANK_TRANSFER, ReturnForm.STORE_CREDIT

    def __init__(self, *args: object, refund_id: int, store_credit: bool, **kwargs: object):
        # Each refund's form has its own ids, so two on one page never share a label.
        super().__init__(*args, prefix=f"refund-{refund_id}", **kwargs)
        choices = [(self.BANK_TRANSFER, _("Bank transfer to my account"))]
        if store_credit:
            choices.append((self.STORE_CREDIT, _("Store credit (my prepaid balance)")))
        self.fields["refund_to"] = forms.ChoiceField(
            label=_("How do you want the money back?"),
            choices=choices,
            initial=self.BANK_TRANSFER,
            widget=forms.RadioSelect,
        )
        self.fields["account_holder"] = forms.CharField(
            label=_("Account holder"),
            max_length=140,
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "name"}),
        )
        self.fields["iban"] = forms.CharField(
            label=_("IBAN"),
            max_length=42,
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("refund_to") == self.BANK_TRANSFER:
            if not (cleaned.get("account_holder") or "").strip():
                self.add_error("account_holder", _("Enter the account holder's name."))
            if not (cleaned.get("iban") or "").strip():
                self.add_error("iban", _("Enter the IBAN of the account to refund to."))
        return cleaned

    def destination(self) -> dict[str, str]:
        """The customer's answer, for refund_account_give."""
        data = self.cleaned_data
        if data["refund_to"] == self.STORE_CREDIT:
            return {"destination": self.STORE_CREDIT}
        return {
            "destination": self.BANK_TRANSFER,
            "account_holder": data.get("account_holder") or "",
            "iban": data.get("iban") or "",
        }


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


class ProvinceForm(forms.Form):
    """The province shipping is estimated for: one of Turkey's 81, however it is capitalised."""

    province = forms.CharField(label=_("Your province"), max_length=60)
    next = forms.CharField(required=False, max_length=2000)

    def clean_province(self) -> str:
        name = province_name(self.cleaned_data["province"].strip())
        if name not in PROVINCES_IN_ORDER:
            raise forms.ValidationError(_("Choose a province of Turkey."))
        return name
