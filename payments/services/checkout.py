"""What a method adds to the checkout, asked of every provider, so the checkout names none.

A provider may offer `checkout_fields()` (form fields the page shows for it),
`checkout_details(data)` (what it reads of the submitted form), `checkout_check(details)`
(refuses bad input before placement) and `checkout_placed(...)` (inside the placement
transaction, once the payment exists): the e-check's signed check uses all four.
"""

from collections.abc import Mapping
from typing import Any

from django import forms

from ..models import Payment
from ..registry import all_providers, get_provider


def payment_checkout_fields() -> dict[str, forms.Field]:
    """The form fields every method adds to the checkout, by name (new instances each call)."""
    fields: dict[str, forms.Field] = {}
    for provider in all_providers():
        if hasattr(provider, "checkout_fields"):
            fields.update(provider.checkout_fields())
    return fields


def payment_checkout_details(*, method: str, data: Mapping[str, Any]) -> object | None:
    """What the chosen method reads of the submitted checkout form (None: nothing)."""
    provider = get_provider(method) if method else None
    if provider is None or not hasattr(provider, "checkout_details"):
        return None
    return provider.checkout_details(data)


def payment_checkout_check(*, method: str, details: object | None) -> None:
    """Refuse (PaymentError) what the chosen method cannot accept, before anything is written."""
    provider = get_provider(method)
    if hasattr(provider, "checkout_check"):
        provider.checkout_check(details)


def payment_checkout_placed(
    *, payment: Payment, details: object | None, ip_address: str | None
) -> None:
    """Inside placement, once the order's payment exists: what the method keeps of the checkout."""
    provider = get_provider(payment.method)
    if hasattr(provider, "checkout_placed"):
        provider.checkout_placed(payment=payment, details=details, ip_address=ip_address)
