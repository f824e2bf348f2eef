"""What the card and the e-check share: no fee, no lock at placement, only a total above zero."""

from decimal import Decimal

from django.utils.translation import gettext as _

from shop.money import ZERO

from ..interface import Availability, CheckoutContext


class PaysTheTotal:
    """A method that charges the order's total as it is, after placement."""

    starts_at_placement = False

    def place_check(self, *, customer_id: int | None, amount: Decimal, currency: str) -> None:
        """Nothing to lock: the money moves after placement."""

    def availability(self, *, context: CheckoutContext) -> Availability:
        if context.total <= 0:
            return Availability(False, _("There is nothing to pay."))
        return Availability(True)

    def fee(self, *, context: CheckoutContext) -> Decimal:
        return ZERO
