"""The digital wallet: a card the customer saved in "My wallet" pays in one click.

The same Stripe PaymentIntents as the card, confirmed server-side with the saved PaymentMethod
of the customer's Stripe Customer (off-session for a tab settlement). When the bank asks for
3-D Secure the customer finishes it on the order's payment page, as with a new card.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from ...exceptions import PaymentError
from ...interface import Availability, CheckoutContext, PaymentRequest, ProviderResult
from ...models import SavedCard, StripeCustomer
from ...registry import register
from ...states import PaymentMethod
from ..card.provider import CardProvider


def default_card(*, user_id: int) -> SavedCard | None:
    return SavedCard.objects.filter(user_id=user_id, is_default=True).first()


class WalletProvider(CardProvider):
    method = PaymentMethod.WALLET
    starts_in_browser = False  # the saved card pays at once; 3-D Secure, if asked, comes after

    def availability(self, *, context: CheckoutContext) -> Availability:
        if context.customer_id is None:
            return Availability(False, _("Sign in to pay with a saved card."))
        if context.total <= 0:
            return Availability(False, _("There is nothing to pay."))
        card = default_card(user_id=context.customer_id)
        if card is None:
            return Availability(False, _("Save a card in My wallet to pay in one click."))
        if card.expired(today=timezone.localdate()):
            return Availability(False, _("Your default card has expired. Choose another one."))
        return Availability(True)

    def authorize(self, *, request: PaymentRequest) -> ProviderResult:
        details = dict(request.details)
        if not details.get("payment_method"):
            card = default_card(user_id=request.customer_id) if request.customer_id else None
            if card is None or card.expired():
                raise PaymentError(
                    _("Your saved card was removed or has expired. Choose another card.")
                )
            details["payment_method"] = card.payment_method_id
        if not details.get("customer") and request.customer_id is not None:
            customer = StripeCustomer.objects.filter(user_id=request.customer_id).first()
            if customer is None:
                raise PaymentError(_("Save a card in My wallet to pay in one click."))
            details["customer"] = customer.customer_id
        return super().authorize(
            request=PaymentRequest(
                payment_id=request.payment_id,
                order_number=request.order_number,
                amount=request.amount,
                currency=request.currency,
                idempotency_key=request.idempotency_key,
                customer_id=request.customer_id,
                reference=request.reference,
                details=details,
            )
        )


register(WalletProvider())
