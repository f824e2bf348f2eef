"""A return's status: the one function that changes it, and the order following its returns.

The table is states.RETURN_TRANSITIONS. A step's own checks and effects (restocking, reserving
the refund) happen in its service (services/returns.py), which asks `return_check` before it
acts and calls `return_transition` last, under the return's lock.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.models import User

from ..exceptions import OrderError
from ..models import Order, Return
from ..selectors.returns import refunded_quantities
from ..states import OPEN_RETURN, OrderStatus, ReturnStatus, can_return_transition
from .exchange_steps import exchange_drop
from .lifecycle import order_event_record, order_transition


class ReturnError(OrderError):
    pass


def return_check(order_return: Return, *, to: str, refused: str = "") -> None:
    """Raise ReturnError unless the table lets this return move to `to` now.

    `refused` is the step's own message; it may name the return's status as `%(status)s`.
    """
    if can_return_transition(order_return.status, to):
        return
    status = order_return.get_status_display()
    if refused:
        raise ReturnError(refused % {"status": status})
    raise ReturnError(
        _("A return that is “%(current)s” cannot become “%(target)s”.")
        % {"current": status, "target": ReturnStatus(to).label}
    )


def return_transition(
    *,
    order_return: Return,
    to: str,
    by: User | None = None,
    refused: str = "",
    **fields: object,
) -> Return:
    """The only way a return's status changes: checked against states.RETURN_TRANSITIONS.

    Locks the return's row (the step's service holds it already), refuses a move the table
    does not allow with a ReturnError and changes nothing, writes the status with the step's
    `fields` (its times, note, refund) and has the order follow its returns: every step is an
    OrderEvent `return_<status>`, which keys the customer's message.
    """
    with transaction.atomic():
        locked = Return.objects.select_for_update().get(pk=order_return.pk)
        return_check(locked, to=to, refused=refused)
        if to == ReturnStatus.REJECTED and not str(fields.get("staff_note", "")).strip():
            raise ReturnError(_("Say why the claim is rejected; the customer will read it."))
        if to == ReturnStatus.CANCELLED and not str(fields.get("staff_note", "")).strip():
            raise ReturnError(_("Say why the return is cancelled; the customer will read it."))
        locked.status = to
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=["status", *fields])
        order_follows_returns(
            order_id=locked.order_id, kind=f"return_{to}", note=locked.number, by=by
        )
        if to in (ReturnStatus.REJECTED, ReturnStatus.CANCELLED):
            # An exchange's reserved replacement goes too, its stock given back.
            exchange_drop(order_return=locked, by=by)
    return locked


def return_cancel(*, order_return: Return, note: str, by: User | None = None) -> Return:
    """Staff cancel a return whose parcel never came (or that the customer called off), saying
    why; an exchange's replacement is cancelled with it. A second click changes nothing."""
    with transaction.atomic():
        locked = Return.objects.select_for_update().get(pk=order_return.pk)
        if locked.status == ReturnStatus.CANCELLED:
            return locked
        return return_transition(
            order_return=locked,
            to=ReturnStatus.CANCELLED,
            by=by,
            refused=_("A return that is “%(status)s” cannot be cancelled."),
            staff_note=note.strip(),
            decided_at=locked.decided_at or timezone.now(),
        )


def order_follows_returns(*, order_id: int, kind: str, note: str, by: User | None) -> None:
    """The order shows "return requested" while a return is open; once none is, it is
    "returned" if every unit came back and was refunded, else "delivered" again.

    Every return step is an OrderEvent (its message is keyed by it).
    """
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order_id)
        open_return = locked.returns.filter(status__in=OPEN_RETURN).exists()
        target = locked.status
        if open_return and locked.status == OrderStatus.DELIVERED:
            target = OrderStatus.RETURN_REQUESTED
        elif not open_return and locked.status == OrderStatus.RETURN_REQUESTED:
            refunded = refunded_quantities(order=locked)
            whole = all(refunded.get(line.pk, 0) >= line.quantity for line in locked.lines.all())
            target = OrderStatus.RETURNED if whole else OrderStatus.DELIVERED
        if target != locked.status:
            order_transition(order=locked, to=target, by=by, note=note, event_kind=kind)
        else:
            order_event_record(order=locked, kind=kind, note=note, by=by)
