"""What the orders app does when a lower app (payments) reports something."""

from django.dispatch import receiver

from payments.models import Payment
from payments.signals import payment_status_changed

from . import services


@receiver(payment_status_changed, sender=Payment, dispatch_uid="orders.payment_status_changed")
def mirror_payment_status(
    sender: type[Payment], payment: Payment, status: str, **kwargs: object
) -> None:
    services.order_set_payment_status(order_id=payment.order_id, status=status)
