"""What a method adds to the checkout, asked of every provider, so the checkout names none.

A provider may offer `checkout_fields()` (form fields the page shows for it),
`checkout_details(data)` (what it reads of the submitted form), `checkout_check(details)`
(refuses bad input before placement) and `checkout_placed(...)` (inside the placement
transaction, once the payment exists): the e-check's signed check uses all four.

The method a checkout pays with is resolved once, into a `CheckoutPayment`
(`payment_checkout_resolve`), and that object is handed to every step of placement and to the
payment's start after commit: no step looks the method up again.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms

from ..exceptions import UnknownPaymentMethod
from ..interface import PaymentProvider
from ..models import Payment
from ..registry import all_providers, get_provider
from ..states import PaymentMethod


def payment_checkout_fields() -> dict[str, forms.Field]:
    """The form fields every method adds to the checkout, by name (new instances each call)."""
    fields: dict[str, forms.Field] = {}
    for provider in all_providers():
        if hasattr(provider, "checkout_fields"):
            fields.update(provider.checkout_fields())
    return fields


@dataclass(frozen=True)
class CheckoutPayment:
    """The method one checkout pays with, resolved to its provider once, with what the method
    read of the submitted form (the e-check's signed check), or None."""

    provider: PaymentProvider
    details: object | None = None

    @property
    def method(self) -> str:
        return self.provider.method

    @property
    def label(self) -> str:
        return str(PaymentMethod(self.method).label)

    @property
    def starts_in_browser(self) -> bool:
        """The shopper enters a card on the order's payment page before it can start."""
        return self.provider.starts_in_browser

    @property
    def finishes_in_browser(self) -> bool:
        """An order awaiting this payment is finished on its payment page (3-D Secure)."""
        return self.provider.finishes_in_browser

    def check(self) -> None:
        """Refuse (PaymentError) what the method cannot accept, before anything is written."""
        if hasattr(self.provider, "checkout_check"):
            self.provider.checkout_check(self.details)

    def lock_at_placement(self, *, customer_id: int | None, amount: Decimal, currency: str) -> bool:
        """Inside placement: lock what an internal ledger pays from (the balance account, the
        tab) and refuse if it cannot pay; True when the payment starts at placement."""
        if not self.provider.starts_at_placement:
            return False
        self.provider.place_check(customer_id=customer_id, amount=amount, currency=currency)
        return True

    def placed(self, *, payment: Payment, ip_address: str | None) -> None:
        """Inside placement, once the order's payment exists: what the method keeps of the
        checkout (a sealed e-check)."""
        if hasattr(self.provider, "checkout_placed"):
            self.provider.checkout_placed(
                payment=payment, details=self.details, ip_address=ip_address
            )


def payment_checkout_resolve(
    *, method: str, data: Mapping[str, Any] | None = None, details: object | None = None
) -> CheckoutPayment | None:
    """The chosen method resolved once, reading its part of the submitted form (`data`) or
    keeping `details` already read; None when no method or an unknown one was chosen (checkout
    then asks the shopper to choose one)."""
    if not method:
        return None
    try:
        provider = get_provider(method)
    except UnknownPaymentMethod:
        return None
    if data is not None and hasattr(provider, "checkout_details"):
        details = provider.checkout_details(data)
    return CheckoutPayment(provider=provider, details=details)
