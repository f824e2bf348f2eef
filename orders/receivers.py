"""What the orders app does when something below it happens: a payment moved, a log-in."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from payments.models import Payment
from payments.signals import payment_status_changed
from shop.models import User

from . import services
from .cart_session import CART_SESSION_KEY, remember_cart
from .models import Cart, CartStatus


@receiver(payment_status_changed, sender=Payment, dispatch_uid="orders.payment_status_changed")
def mirror_payment_status(
    sender: type[Payment], payment: Payment, status: str, **kwargs: object
) -> None:
    if payment.order_id is None:  # a top-up or a tab settlement: the payments app's own
        return
    services.order_set_payment_status(
        order_id=payment.order_id, payment_id=payment.pk, status=status
    )


@receiver(user_logged_in, dispatch_uid="orders.merge_cart_on_login")
def merge_guest_cart(
    sender: type, request: HttpRequest | None, user: User, **kwargs: object
) -> None:
    """The guest cart of this browser joins the customer's stored cart; nothing is lost."""
    if request is None or not hasattr(request, "session"):
        return
    cart_id = request.session.get(CART_SESSION_KEY)
    guest = (
        Cart.objects.filter(pk=cart_id, user__isnull=True, status=CartStatus.OPEN).first()
        if cart_id
        else None
    )
    cart = services.cart_merge(guest_cart=guest, user=user) if guest else None
    if cart is None:
        cart = Cart.objects.filter(user=user, status=CartStatus.OPEN).first()
    remember_cart(request, cart)
