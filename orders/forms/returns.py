"""Returns: which units come back and why, and where a cash refund goes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..states import ReturnReason


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
