"""The e-check at checkout: the fields the customer signs, read, checked, then sealed at placement.

The checkout asks every provider for these through `payments.services.checkout`, so orders never
names the method; the field names are the page's (`echeck_holder`, ...).
"""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...exceptions import PaymentError
from ...models import Payment
from .services import CheckDetails, echeck_account, echeck_create


def checkout_fields() -> dict[str, forms.Field]:
    """The account and the customer's signature (a typed full name and a tick)."""
    return {
        "echeck_holder": forms.CharField(
            label=gettext_lazy("Account holder"), max_length=140, required=False
        ),
        "echeck_iban": forms.CharField(
            label=gettext_lazy("IBAN"),
            max_length=42,
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
        ),
        "echeck_signer": forms.CharField(
            label=gettext_lazy("Sign: type the account holder's full name"),
            max_length=140,
            required=False,
        ),
        "echeck_authorize": forms.BooleanField(
            label=gettext_lazy(
                "I authorise Dükkan to collect the order total from this account by "
                "electronic check."
            ),
            required=False,
        ),
    }


def checkout_details(data: Mapping[str, Any]) -> CheckDetails:
    """What the customer entered and signed, from the checkout form's cleaned data."""
    return CheckDetails(
        account_holder=data.get("echeck_holder", ""),
        iban=data.get("echeck_iban", ""),
        signer_name=data.get("echeck_signer", ""),
        authorized=bool(data.get("echeck_authorize")),
    )


def checkout_check(details: CheckDetails | None) -> None:
    """Refuse, clearly, a check that is missing or has a bad IBAN or signature."""
    if details is None:
        raise PaymentError(_("Fill in the e-check: account holder, IBAN and signature."))
    echeck_account(details=details)


def checkout_placed(*, payment: Payment, details: CheckDetails, ip_address: str | None) -> None:
    """Seal the check in the placement transaction; it starts clearing once placement commits."""
    echeck_create(payment=payment, details=details, ip_address=ip_address)
