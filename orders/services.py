"""Every write of the orders app that matters: the address book and the order's status."""

from django.db import transaction
from django.utils.translation import gettext as _

from payments.states import ACCEPTED, PaymentStatus
from shop.models import User

from .exceptions import InvalidTransition
from .models import Address, Order, OrderEvent
from .signals import order_status_changed
from .states import CancelReason, OrderStatus, can_transition


@transaction.atomic
def address_save(
    *,
    address: Address,
    default_shipping: bool = False,
    default_billing: bool = False,
) -> Address:
    """Save a validated address; making it a default takes that role from the user's others."""
    # Lock the user's row so two tabs setting defaults at once cannot both win.
    User.objects.select_for_update().only("pk").get(pk=address.user_id)
    others = Address.objects.filter(user_id=address.user_id).exclude(pk=address.pk)
    first = not others.exists()
    if default_shipping or first:
        others.filter(is_default_shipping=True).update(is_default_shipping=False)
        address.is_default_shipping = True
    if default_billing or first:
        others.filter(is_default_billing=True).update(is_default_billing=False)
        address.is_default_billing = True
    address.full_clean()
    address.save()
    return address


@transaction.atomic
def address_delete(*, address: Address) -> None:
    """Delete an address; a default role passes to the most recently used remaining one."""
    User.objects.select_for_update().only("pk").get(pk=address.user_id)
    was_shipping, was_billing = address.is_default_shipping, address.is_default_billing
    user_id = address.user_id
    address.delete()
    successor = Address.objects.filter(user_id=user_id).order_by("-updated_at").first()
    if successor and (was_shipping or was_billing):
        successor.is_default_shipping |= was_shipping
        successor.is_default_billing |= was_billing
        successor.save(update_fields=["is_default_shipping", "is_default_billing"])


def order_transition(
    *,
    order: Order,
    to: str,
    by: User | None = None,
    note: str = "",
    cancel_reason: str = "",
) -> Order:
    """The only way an order's status changes: checked against states.TRANSITIONS, logged.

    Locks the order row, so two staff members (or a task and a webhook) cannot both move it.
    Moving to the status the order already has is a no-op, which makes retries harmless.
    """
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status == to:
            return locked
        if not can_transition(locked.status, to):
            raise InvalidTransition(
                _("An order that is “%(current)s” cannot become “%(target)s”.")
                % {
                    "current": OrderStatus(locked.status).label,
                    "target": OrderStatus(to).label,
                }
            )
        if to == OrderStatus.CANCELLED and cancel_reason not in CancelReason.values:
            raise InvalidTransition(_("A cancellation needs a reason."))
        previous = locked.status
        locked.status = to
        fields = ["status", "updated_at"]
        if to == OrderStatus.CANCELLED:
            locked.cancel_reason = cancel_reason
            fields.append("cancel_reason")
        if previous == OrderStatus.PENDING_PAYMENT:
            locked.expires_at = None
            fields.append("expires_at")
        locked.save(update_fields=fields)
        OrderEvent.objects.create(
            order=locked, from_status=previous, to_status=to, actor=by, note=note
        )
        order_status_changed.send(sender=Order, order=locked, previous=previous, by=by)
    return locked


def order_set_payment_status(*, order_id: int, status: str) -> Order:
    """Mirror the payment's status on the order; confirm it once its method accepted it."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.payment_status != status:
            order.payment_status = status
            order.save(update_fields=["payment_status", "updated_at"])
        if status in ACCEPTED and order.status == OrderStatus.PENDING_PAYMENT:
            order = order_transition(order=order, to=OrderStatus.CONFIRMED)
        elif status == PaymentStatus.FAILED and order.status == OrderStatus.PENDING_PAYMENT:
            order = order_transition(
                order=order, to=OrderStatus.CANCELLED, cancel_reason=CancelReason.PAYMENT_FAILED
            )
    return order
