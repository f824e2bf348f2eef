"""Goodwill limits per agent and the lead's approval above them.

An agent's limit is their own `AgentLimit` row where it sets a field, otherwise the most
generous of their groups' rows, otherwise nothing (zero): every grant then needs a lead.
Superusers are not limited.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import AgentLimit, GoodwillApproval
from shop.audit import audit_record
from shop.models import User
from shop.money import format_money

from .exceptions import ApprovalRefused, OverAgentLimit
from .signals import goodwill_approval_decided

DECIDE_PERMISSION = "crm.decide_goodwill"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class AgentLimits:
    goodwill_points: int
    coupon_value: Decimal
    refund_amount: Decimal
    unlimited: bool = False


def agent_limits(user: User) -> AgentLimits:
    """The effective limits of one agent (two queries at most)."""
    if user.is_superuser:
        return AgentLimits(0, ZERO, ZERO, unlimited=True)
    own = AgentLimit.objects.filter(user=user).first()
    groups = list(AgentLimit.objects.filter(group__user=user))

    def pick(field: str, default: object) -> object:
        if own is not None and getattr(own, field) is not None:
            return getattr(own, field)
        values = [getattr(row, field) for row in groups if getattr(row, field) is not None]
        return max(values) if values else default

    return AgentLimits(
        goodwill_points=int(pick("max_goodwill_points", 0)),
        coupon_value=Decimal(pick("max_coupon_value", ZERO)),
        refund_amount=Decimal(pick("max_refund_amount", ZERO)),
    )


def goodwill_within_limit(
    *,
    agent: User,
    points: int = 0,
    coupon_value: Decimal = ZERO,
    refund_amount: Decimal = ZERO,
) -> None:
    """Raise OverAgentLimit (saying the limit and who approves) when a grant is above it."""
    limits = agent_limits(agent)
    if limits.unlimited:
        return
    ask = _("A team lead must approve it: request an approval.")
    if points > limits.goodwill_points:
        raise OverAgentLimit(
            _("%(points)s goodwill points is above your limit of %(limit)s points.")
            % {"points": points, "limit": limits.goodwill_points}
            + " "
            + ask
        )
    if Decimal(coupon_value) > limits.coupon_value:
        raise OverAgentLimit(
            _("A coupon worth %(value)s is above your limit of %(limit)s.")
            % {"value": format_money(coupon_value), "limit": format_money(limits.coupon_value)}
            + " "
            + ask
        )
    if Decimal(refund_amount) > limits.refund_amount:
        raise OverAgentLimit(
            _("A refund of %(value)s is above your limit of %(limit)s.")
            % {"value": format_money(refund_amount), "limit": format_money(limits.refund_amount)}
            + " "
            + ask
        )


def goodwill_approval_request(
    *, agent: User, customer: User, kind: str, amount: Decimal, reason: str
) -> GoodwillApproval:
    """Ask a lead to approve a grant above the agent's limit (audited)."""
    if kind not in GoodwillApproval.Kind.values:
        raise ApprovalRefused(_("Unknown kind of goodwill."))
    if Decimal(amount) <= 0:
        raise ApprovalRefused(_("The amount must be more than zero."))
    if not reason.strip():
        raise ApprovalRefused(_("Give a reason for the goodwill."))
    with transaction.atomic():
        approval = GoodwillApproval.objects.create(
            customer=customer,
            kind=kind,
            amount=Decimal(amount),
            reason=reason.strip(),
            requested_by=agent,
        )
        audit_record(
            actor=agent,
            action="goodwill.request",
            target=approval,
            reason=approval.reason,
            details={"customer": customer.pk, "kind": kind, "amount": approval.amount},
        )
    return approval


def goodwill_approval_decide(
    *, approval_id: int, by: User, approve: bool, note: str = ""
) -> GoodwillApproval:
    """A lead approves or refuses a pending request, once (under the row's lock; audited)."""
    if not by.has_perm(DECIDE_PERMISSION):
        raise ApprovalRefused(_("Only a team lead may decide on goodwill above a limit."))
    with transaction.atomic():
        approval = GoodwillApproval.objects.select_for_update().get(pk=approval_id)
        if approval.status != GoodwillApproval.Status.PENDING:
            raise ApprovalRefused(
                _("This request was already decided (%(status)s).")
                % {"status": approval.get_status_display()}
            )
        if approval.requested_by_id == by.pk:
            raise ApprovalRefused(_("Someone else must decide on your own request."))
        approval.status = (
            GoodwillApproval.Status.APPROVED if approve else GoodwillApproval.Status.REFUSED
        )
        approval.decided_by = by
        approval.decided_at = timezone.now()
        approval.decision_note = note.strip()[:255]
        approval.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record(
            actor=by,
            action="goodwill.approve" if approve else "goodwill.refuse",
            target=approval,
            reason=approval.decision_note,
            details={"customer": approval.customer_id, "amount": approval.amount},
        )
        # What waited for this decision (a complaint's resolution action) follows it here.
        goodwill_approval_decided.send(sender=GoodwillApproval, approval=approval, by=by)
    return approval
