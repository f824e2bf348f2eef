"""What the payments app does when one of its own order-less payments moves.

A paid top-up credits the balance; a paid tab settlement captures each tab order; a declined
one blocks the tab. Sent inside the transaction that wrote the ledger row, so the balance or
the tab moves in the same commit as the money.
"""

from django.dispatch import receiver

from .models import Payment, PaymentPurpose
from .signals import payment_status_changed
from .states import PaymentStatus


@receiver(payment_status_changed, sender=Payment, dispatch_uid="payments.own_payments")
def follow_own_payments(
    sender: type[Payment], payment: Payment, status: str, **kwargs: object
) -> None:
    from .methods.micropayment.services import tab_settlement_declined, tab_settlement_paid
    from .methods.stored_value.services import balance_top_up_credit

    if payment.purpose == PaymentPurpose.TOP_UP and status == PaymentStatus.PAID:
        balance_top_up_credit(payment=payment)
    elif payment.purpose == PaymentPurpose.TAB_SETTLEMENT:
        if status == PaymentStatus.PAID:
            tab_settlement_paid(settlement=payment)
        elif status == PaymentStatus.FAILED:
            tab_settlement_declined(settlement=payment)
