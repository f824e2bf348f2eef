"""What the orders app does when something below it happens: a payment moved, a log-in."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from payments.models import Payment, Refund
from payments.services import refund_account_needed
from payments.services.points import points_earn, points_reverse_for_refund
from payments.signals import (
    payment_flagged,
    payment_refund_recorded,
    payment_resolved,
    payment_status_changed,
    refund_awaiting_payout,
)
from payments.states import PaymentStatus
from shop.models import User

from . import services
from .cart_session import CART_SESSION_KEY, chosen_province, remember_cart, remember_province
from .geo import PROVINCES
from .messages import payment_refunded_schedule, refund_account_ask_schedule
from .models import Address, Cart, CartStatus, Order
from .signals import order_status_changed
from .states import OrderStatus


@receiver(payment_status_changed, sender=Payment, dispatch_uid="orders.payment_status_changed")
def mirror_payment_status(
    sender: type[Payment], payment: Payment, status: str, **kwargs: object
) -> None:
    if payment.order_id is None:  # a top-up or a tab settlement: the payments app's own
        return
    services.order_set_payment_status(
        order_id=payment.order_id, payment_id=payment.pk, status=status
    )


@receiver(payment_status_changed, sender=Payment, dispatch_uid="orders.deliver_after_payment")
def deliver_after_payment(
    sender: type[Payment], payment: Payment, status: str, **kwargs: object
) -> None:
    """Paid (or on the tab): digital lines get their download links; paid: the invoice.

    Connected after `mirror_payment_status`, so the order is already confirmed here.
    """
    if payment.order_id is None or status not in (PaymentStatus.PAID, PaymentStatus.ON_TAB):
        return
    order = Order.objects.get(pk=payment.order_id)
    if order.payment_status != status or order.status == OrderStatus.CANCELLED:
        return  # money the order no longer wanted (it is being refunded): deliver nothing
    services.download_links_issue(order=order)
    if status == PaymentStatus.PAID:
        services.invoice_issue(order=order)
        # A refund recorded before there was an invoice (a tab order refunded off the open tab,
        # then settled) gets its credit note now; each refund gets one once.
        for refund in payment.refunds.filter(status=Refund.Status.SUCCEEDED):
            services.credit_note_issue(refund=refund)


@receiver(payment_flagged, sender=Payment, dispatch_uid="orders.flag_order")
def flag_order(sender: type[Payment], payment: Payment, note: str, **kwargs: object) -> None:
    """A payment that does not add up (cash collected short) puts its order up for review."""
    if payment.order_id is None:
        return
    services.order_flag(order_id=payment.order_id, note=note)


@receiver(payment_resolved, sender=Payment, dispatch_uid="orders.payment_resolved")
def follow_resolved_payment(
    sender: type[Payment], payment: Payment, owed: object, flag: str, **kwargs: object
) -> None:
    """A flagged payment was resolved: the order's flag for it clears, or says what is owed."""
    if payment.order_id is None:
        return
    services.order_payment_resolved(order_id=payment.order_id, owed=owed, flag=flag)


@receiver(payment_refund_recorded, sender=Payment, dispatch_uid="orders.tell_refund")
def tell_about_refund(
    sender: type[Payment], payment: Payment, amount: object, key: str, **kwargs: object
) -> None:
    """The customer hears about every refund of an order's payment, once."""
    if payment.order_id is None:
        return  # a top-up or tab settlement: the balance and tab pages show it
    payment_refunded_schedule(order=Order.objects.get(pk=payment.order_id), amount=amount, key=key)


@receiver(payment_refund_recorded, sender=Payment, dispatch_uid="orders.credit_note")
def issue_credit_note(
    sender: type[Payment], payment: Payment, amount: object, key: str, **kwargs: object
) -> None:
    """Each refund of an order's payment gets its credit note, in the refund's transaction."""
    if payment.order_id is None:
        return
    refund = services.refund_of_ledger_key(payment=payment, key=key)
    if refund is not None:
        services.credit_note_issue(refund=refund)


@receiver(order_status_changed, sender=Order, dispatch_uid="orders.points_on_delivery")
def earn_points_on_delivery(sender: type[Order], order: Order, **kwargs: object) -> None:
    """A delivered order earns its customer points for the items paid, once per order."""
    if order.status != OrderStatus.DELIVERED or order.user_id is None:
        return
    points_earn(
        user=order.user,
        order_id=order.pk,
        amount=order.subtotal - order.discount,
        key=f"earn:order-{order.pk}",
    )


@receiver(payment_refund_recorded, sender=Payment, dispatch_uid="orders.points_on_refund")
def reverse_points_on_refund(
    sender: type[Payment], payment: Payment, amount: object, key: str, **kwargs: object
) -> None:
    """Money refunded takes back the order's points in proportion (and gives back redeemed
    ones), keyed by the refund: a partial return sends no status change, but a refund."""
    if payment.order_id is None:
        return
    order = Order.objects.get(pk=payment.order_id)
    if order.user_id is None:
        return
    points_reverse_for_refund(
        user=order.user, order_id=order.pk, refunded=amount, paid=order.total, key=key
    )


@receiver(refund_awaiting_payout, sender=Refund, dispatch_uid="orders.ask_refund_account")
def ask_for_refund_account(sender: type[Refund], refund: Refund, **kwargs: object) -> None:
    """A cash refund of an order waits for a bank account nobody gave: ask the customer."""
    payment = refund.payment
    if payment.order_id is None or not refund_account_needed(refund=refund):
        return
    refund_account_ask_schedule(
        order=Order.objects.get(pk=payment.order_id), refund_id=refund.pk, amount=refund.amount
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


@receiver(user_logged_in, dispatch_uid="orders.province_on_login")
def province_from_default_address(
    sender: type, request: HttpRequest | None, user: User, **kwargs: object
) -> None:
    """Shipping is estimated for the default delivery address's province until the customer
    chooses another (once, at log-in: no query on each page)."""
    if request is None or not hasattr(request, "session") or chosen_province(request):
        return
    province = (
        Address.objects.filter(user=user, is_default_shipping=True, country="TR")
        .values_list("province", flat=True)
        .first()
    )
    if province in PROVINCES.values():
        remember_province(request, province)
