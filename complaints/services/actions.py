"""Resolution actions from the ticket, through the shop's own services.

`resolution_request` is the one way in: it checks the input under the ticket's row lock, writes
the action, and either runs it at once (within the agent's crm limit) or asks a lead for a
`GoodwillApproval` and waits; the lead's decision reaches `resolution_approval_decided` through
crm's `goodwill_approval_decided` signal (crm never imports the desk). Each step is written on
the ticket's history and the audit trail.

A refund is reserved in the same transaction as the action (the refund's key is the action's
id) and sent to the provider only after commit; the form's one-time token makes a double click
one action, so one refund. Lock order: ticket → payment (reserving), approval → action →
ticket → payment (deciding); the order's own services take the order and the variants.
"""

import logging
import re
from decimal import Decimal, InvalidOperation
from functools import partial

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.customer360.actions import goodwill_coupon_give, goodwill_points_give
from crm.models import GoodwillApproval
from crm.staff.exceptions import OverAgentLimit
from crm.staff.limits import goodwill_approval_request, goodwill_within_limit
from orders.models import CouponKind, Order, OrderLine
from orders.services import coupon_issue_personal, order_cancel_by_staff, replacement_order_create
from orders.services.returns import line_share
from orders.states import CancelReason, OrderStatus
from orders.states import can_transition as order_can_transition
from payments.models import Payment, Refund
from payments.services import refund_reserve, refund_send
from payments.services.points import points_adjust
from payments.states import REFUNDABLE
from shop.audit import audit_record
from shop.exceptions import ShopError
from shop.models import User
from shop.money import ZERO, format_money, to_money

from ..exceptions import ActionRefused
from ..models import ResolutionAction, ResolutionActionLine, Ticket, TicketEvent
from ..models.actions import RESOLVE_PERMISSION
from ..states import TicketStatus

logger = logging.getLogger(__name__)

Kind = ResolutionAction.Kind
Status = ResolutionAction.Status
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
COUPON_DAYS_MAX = 365
REASON_MAX = 255
# The lead's approval asks for this kind of goodwill (a cancellation gives money back).
_APPROVAL_KIND = {
    Kind.REFUND: GoodwillApproval.Kind.REFUND,
    Kind.CANCEL: GoodwillApproval.Kind.REFUND,
    Kind.COUPON: GoodwillApproval.Kind.COUPON,
    Kind.POINTS: GoodwillApproval.Kind.POINTS,
}


def action_key(action: ResolutionAction) -> str:
    """The key of what the action makes (the refund's request key, the replacement's and the
    coupon's issue key, the points entry's key): the action's id, so it is made once."""
    return f"complaint-action-{action.pk}"


def resolution_request(
    *,
    ticket: Ticket,
    by: User,
    kind: str,
    key: str,
    reason: str,
    amount: Decimal | str | int | None = None,
    lines: dict[int, int] | None = None,
    valid_days: int | None = None,
) -> ResolutionAction:
    """Ask for one resolution action on this ticket; returns it done, requested (a refund on
    its way to the provider), waiting for a lead's approval, or failed.

    `key` is the form's one-time token: the same form posted twice returns the first action.
    A refund of chosen `lines` ({order line id: quantity}) gives back their share of what was
    paid; with `amount` that amount; with neither, everything still refundable. Bad input:
    ActionRefused, nothing changed."""
    if not by.has_perm(RESOLVE_PERMISSION):
        raise ActionRefused(_("You may not take resolution actions on complaints."))
    if kind not in Kind.values:
        raise ActionRefused(_("Choose an action."))
    if not _TOKEN.match(key or ""):
        raise ActionRefused(_("The form has expired: open the complaint again."))
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("Give a reason for the action."))
    if len(reason) > REASON_MAX:
        raise ActionRefused(
            _("Please keep the reason under %(count)d characters.") % {"count": REASON_MAX}
        )
    wanted = _quantities(lines or {})
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        earlier = ResolutionAction.objects.filter(ticket=locked, request_key=key).first()
        if earlier is not None:
            return earlier  # the same form posted again
        if locked.status == TicketStatus.CLOSED:
            raise ActionRefused(_("This complaint is closed."))
        action = ResolutionAction(
            ticket=locked, kind=kind, reason=reason, request_key=key, created_by=by
        )
        chosen = _prepare(action, ticket=locked, amount=amount, wanted=wanted, days=valid_days)
        action.save()
        ResolutionActionLine.objects.bulk_create(
            ResolutionActionLine(action=action, order_line=line, quantity=quantity)
            for line, quantity in chosen
        )
        _event(action, by=by, kind="action_requested", note=_describe(action))
        audit_record(
            actor=by,
            action=f"complaint.action.{kind}",
            target=action,
            reason=reason,
            details={"ticket": locked.pk, "amount": action.amount, "kind": kind},
        )
        over = _over_limit(action, agent=by)
        if over is not None:
            _approval_ask(action, ticket=locked, agent=by, over=over)
            return action
        try:
            _run(action, by=by, approved=False)
        except ShopError as error:
            # Within the request: refused as a whole, nothing written.
            raise ActionRefused(str(error)) from None
    return ResolutionAction.objects.get(pk=action.pk)


def _quantities(lines: dict) -> dict[int, int]:
    try:
        wanted = {int(pk): int(quantity) for pk, quantity in lines.items()}
    except (TypeError, ValueError):
        raise ActionRefused(_("Enter whole numbers of items.")) from None
    if any(quantity < 0 for quantity in wanted.values()):
        raise ActionRefused(_("Enter whole numbers of items."))
    return {pk: quantity for pk, quantity in wanted.items() if quantity}


def _money(value: object) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", ".").strip())
    except InvalidOperation:
        raise ActionRefused(_("Enter an amount like 120.50.")) from None
    if not amount.is_finite() or amount <= 0:
        raise ActionRefused(_("The amount must be more than zero."))
    return to_money(amount)


def _prepare(
    action: ResolutionAction,
    *,
    ticket: Ticket,
    amount: object,
    wanted: dict[int, int],
    days: int | None,
) -> list[tuple[OrderLine, int]]:
    """Check the action's input against the ticket and its order, set its amount; returns the
    chosen order lines with their quantities."""
    order = ticket.order
    chosen: list[tuple[OrderLine, int]] = []
    if action.kind in (Kind.REFUND, Kind.REPLACEMENT, Kind.CANCEL) and order is None:
        raise ActionRefused(_("This complaint is about no order."))
    if wanted:
        if action.kind not in (Kind.REFUND, Kind.REPLACEMENT):
            raise ActionRefused(_("Choose items only for a refund or a replacement."))
        lines = {line.pk: line for line in OrderLine.objects.filter(order=order, pk__in=wanted)}
        if set(wanted) - set(lines):
            raise ActionRefused(_("Those items are not in this order."))
        for pk, quantity in wanted.items():
            if quantity > lines[pk].quantity:
                raise ActionRefused(
                    _("“%(name)s” was bought %(count)s times; choose at most that many.")
                    % {"name": lines[pk].product_name, "count": lines[pk].quantity}
                )
            chosen.append((lines[pk], quantity))
    if action.kind == Kind.REFUND:
        payment = _refundable_payment(order)
        if payment is None:
            raise ActionRefused(_("This order has no payment that can be refunded."))
        left = payment.refundable()
        given = _money(amount)
        if chosen and given is not None:
            raise ActionRefused(_("Refund either chosen items or an amount, not both."))
        if chosen:
            value = sum(
                (line_share(line, before=0, quantity=quantity) for line, quantity in chosen), ZERO
            )
        else:
            value = given if given is not None else left
        if value <= 0 or value > left:
            raise ActionRefused(
                _("A refund must be more than 0 and at most %(amount)s.")
                % {"amount": format_money(left, payment.currency)}
            )
        action.amount, action.currency = value, payment.currency
    elif action.kind == Kind.REPLACEMENT:
        if not chosen:
            raise ActionRefused(_("Choose at least one item and how many of it to send again."))
    elif action.kind == Kind.CANCEL:
        if order.status == OrderStatus.CANCELLED:
            raise ActionRefused(_("This order is already cancelled."))
        if not order_can_transition(order.status, OrderStatus.CANCELLED):
            raise ActionRefused(
                _(
                    "An order that is “%(status)s” can no longer be cancelled: refund it or "
                    "send a replacement instead."
                )
                % {"status": OrderStatus(order.status).label}
            )
        action.amount = sum(
            (p.refundable() for p in Payment.objects.filter(order=order, status__in=REFUNDABLE)),
            ZERO,
        )
        action.currency = order.currency
    elif action.kind in (Kind.COUPON, Kind.POINTS):
        customer = _customer(ticket)
        if customer is None:
            raise ActionRefused(_("Goodwill goes to a customer account; this complaint has none."))
        if not customer.is_active:
            raise ActionRefused(_("This account is closed: it cannot receive goodwill."))
        if action.kind == Kind.COUPON:
            value = _money(amount)
            if value is None:
                raise ActionRefused(_("Enter the coupon's value."))
            days = _days(days)
            action.amount, action.valid_days = value, days
        else:
            points = _points(amount)
            action.amount = Decimal(points)
    return chosen


def _days(days: object) -> int:
    try:
        value = int(days) if days not in (None, "") else 0
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= COUPON_DAYS_MAX:
        raise ActionRefused(
            _("A coupon is valid for 1 to %(days)s days.") % {"days": COUPON_DAYS_MAX}
        )
    return value


def _points(value: object) -> int:
    try:
        points = int(str(value).strip()) if value not in (None, "") else 0
    except ValueError:
        points = 0
    if points < 1:
        raise ActionRefused(_("Give at least one point."))
    return points


def _refundable_payment(order: Order) -> Payment | None:
    return Payment.objects.filter(order=order, status__in=REFUNDABLE).order_by("-pk").first()


def _customer(ticket: Ticket) -> User | None:
    if ticket.customer is not None:
        return ticket.customer
    return ticket.order.user if ticket.order is not None else None


def _over_limit(action: ResolutionAction, *, agent: User) -> OverAgentLimit | None:
    """The agent's crm limit for this action, or None within it (a replacement has none)."""
    grant = {
        Kind.REFUND: {"refund_amount": action.amount},
        Kind.CANCEL: {"refund_amount": action.amount},
        Kind.COUPON: {"coupon_value": action.amount},
        Kind.POINTS: {"points": int(action.amount)},
    }.get(action.kind)
    if grant is None:
        return None
    try:
        goodwill_within_limit(agent=agent, **grant)
    except OverAgentLimit as error:
        return error
    return None


def _approval_ask(
    action: ResolutionAction, *, ticket: Ticket, agent: User, over: OverAgentLimit
) -> None:
    customer = _customer(ticket)
    if customer is None:
        raise ActionRefused(
            _(
                "%(limit)s This customer has no account to record an approval for: ask a lead "
                "to take the action."
            )
            % {"limit": str(over)}
        )
    approval = goodwill_approval_request(
        agent=agent,
        customer=customer,
        kind=_APPROVAL_KIND[action.kind],
        amount=action.amount,
        reason=f"{ticket.number}: {action.get_kind_display()}: {action.reason}"[:REASON_MAX],
    )
    action.approval = approval
    action.status = Status.AWAITING_APPROVAL
    action.save(update_fields=["approval", "status"])
    _event(action, by=agent, kind="action_approval_asked", note=str(over))


def _run(action: ResolutionAction, *, by: User, approved: bool) -> None:
    """Carry the action out through the orders, payments and crm services (in the caller's
    transaction); a refund goes to the provider after commit."""
    ticket = action.ticket
    key = action_key(action)
    made: Model
    if action.kind == Kind.REFUND:
        payment = _refundable_payment(ticket.order)
        if payment is None:
            raise ActionRefused(_("This order has no payment that can be refunded."))
        made = refund_reserve(
            payment=payment,
            amount=action.amount,
            by=by,
            reason=f"Complaint {ticket.number}",
            key=key,
        )
        _made(action, made, status=Status.REQUESTED)
        transaction.on_commit(partial(_refund_send, action_id=action.pk), robust=True)
        return
    if action.kind == Kind.REPLACEMENT:
        wanted = {line.order_line_id: line.quantity for line in action.lines.all()}
        made = replacement_order_create(order=ticket.order, lines=wanted, by=by, key=key)
        note = made.number
    elif action.kind == Kind.CANCEL:
        made = order_cancel_by_staff(
            order=ticket.order,
            by=by,
            reason=CancelReason.COMPLAINT,
            note=ticket.number,
            refund_allowed=True,  # the agent's refund limit, or a lead's approval
        )
        note = made.number
    elif action.kind == Kind.COUPON:
        made = _coupon(action, by=by, approved=approved, key=key)
        note = made.code
    else:
        made = _points_grant(action, by=by, approved=approved, key=key)
        note = _("%(points)s points") % {"points": made.points}
    _made(action, made, status=Status.DONE)
    _event(action, by=by, kind="action_done", note=f"{action.get_kind_display()}: {note}")


def _coupon(action: ResolutionAction, *, by: User, approved: bool, key: str):
    customer = _customer(action.ticket)
    if not approved:  # the crm goodwill service checks the agent's limit itself
        return goodwill_coupon_give(
            agent=by,
            customer=customer,
            value=action.amount,
            valid_days=action.valid_days,
            reason=action.reason,
            token=key,
        )
    return coupon_issue_personal(  # a lead approved it: above the limit, on purpose
        user=customer,
        kind=CouponKind.FIXED,
        value=action.amount,
        valid_days=action.valid_days,
        reason=action.reason,
        issue_key=f"goodwill:{customer.pk}:{key}",
        issued_by=by,
    )


def _points_grant(action: ResolutionAction, *, by: User, approved: bool, key: str):
    customer = _customer(action.ticket)
    if not approved:
        return goodwill_points_give(
            agent=by, customer=customer, points=int(action.amount), reason=action.reason, token=key
        )
    return points_adjust(
        user=customer,
        points=int(action.amount),
        reason=action.reason,
        actor=by,
        key=f"goodwill-{customer.pk}-{key}",
    )


def _made(action: ResolutionAction, made: Model, *, status: str) -> None:
    action.result_type = made._meta.label_lower[:40]
    action.result_id = str(made.pk)
    action.status = status
    fields = ["result_type", "result_id", "status"]
    if status == Status.DONE:
        action.done_at = timezone.now()
        fields.append("done_at")
    action.save(update_fields=fields)


def _refund_send(*, action_id: int) -> None:
    """After commit, outside any lock: the reserved refund goes to the provider; the action is
    done when the provider took it (succeeded, sent, or waiting for a bank transfer), failed
    when it refused. A crash in between leaves the refund reserved: the refunds' periodic job
    sends it, and the ticket shows the refund's own status."""
    action = ResolutionAction.objects.select_related("ticket").get(pk=action_id)
    refund = Refund.objects.get(pk=action.result_id)
    refund = refund_send(refund=refund)
    resolution_refund_settle(action=action, refund=refund)


def resolution_refund_settle(*, action: ResolutionAction, refund: Refund) -> ResolutionAction:
    """Record what the provider said of a refund action's refund, once."""
    if refund.status == Refund.Status.RESERVED:
        return action  # not sent yet (the provider could not be reached): the job retries it
    with transaction.atomic():
        locked = ResolutionAction.objects.select_for_update().get(pk=action.pk)
        if locked.status != Status.REQUESTED:
            return locked
        failed = refund.status == Refund.Status.FAILED
        locked.status = Status.FAILED if failed else Status.DONE
        locked.error = (refund.message or "")[:255] if failed else ""
        locked.done_at = timezone.now()
        locked.save(update_fields=["status", "error", "done_at"])
        amount = format_money(refund.amount, refund.currency)
        _event(
            locked,
            by=refund.created_by,
            kind="action_failed" if failed else "action_done",
            note=f"{locked.get_kind_display()}: {amount} ({refund.get_status_display()})"
            + (f" {locked.error}" if failed and locked.error else ""),
        )
    return locked


def resolution_approval_decided(*, approval: GoodwillApproval, by: User) -> None:
    """A lead decided on the approval an action waits for (crm's signal, inside the decision's
    transaction): approved, the action runs now — as the lead, above the agent's limit;
    refused, it is refused. Either way the ticket's history says so."""
    action = (
        ResolutionAction.objects.select_for_update()
        .select_related("ticket")
        .filter(approval_id=approval.pk)
        .first()
    )
    if action is None or action.status != Status.AWAITING_APPROVAL:
        return
    Ticket.objects.select_for_update().get(pk=action.ticket_id)  # lock order: ticket → payment
    if approval.status != GoodwillApproval.Status.APPROVED:
        action.status = Status.REFUSED
        action.error = approval.decision_note[:255]
        action.save(update_fields=["status", "error"])
        _event(
            action,
            by=by,
            kind="action_refused",
            note=f"{action.get_kind_display()}: {approval.decision_note}".strip(" :"),
        )
        audit_record(actor=by, action="complaint.action.refuse", target=action)
        return
    _event(action, by=by, kind="action_approved", note=action.get_kind_display())
    audit_record(actor=by, action="complaint.action.approve", target=action)
    try:
        with transaction.atomic():
            _run(action, by=by, approved=True)
    except ShopError as error:
        # Approved, but no longer possible (the money was refunded meanwhile, stock ran out).
        action.status = Status.FAILED
        action.error = str(error)[:255]
        action.save(update_fields=["status", "error"])
        _event(action, by=by, kind="action_failed", note=f"{action.get_kind_display()}: {error}")


def _event(action: ResolutionAction, *, by: User | None, kind: str, note: str) -> TicketEvent:
    return TicketEvent.objects.create(ticket_id=action.ticket_id, actor=by, kind=kind, note=note)


def _describe(action: ResolutionAction) -> str:
    if action.kind == Kind.POINTS:
        what = _("%(points)s points") % {"points": int(action.amount)}
    elif action.kind == Kind.REPLACEMENT:
        what = ""
    else:
        what = format_money(action.amount, action.currency)
    return " ".join(part for part in (str(action.get_kind_display()), what) if part).strip()
