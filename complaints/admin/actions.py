"""Resolution actions on the staff ticket screen: the panel listing a ticket's actions with a
small form per kind, the admin URL the forms post to, and the list of every action.

Taking an action needs `complaints.resolve_ticket`; the amount is bounded by the agent's crm
limit (above it a lead approves). Seeing the panel needs that or
`complaints.view_resolutionaction`. Every post comes back to the ticket screen with a message;
bad input changes nothing. Wired from `ComplaintsConfig.ready()` by `setup()`.
"""

import uuid

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from crm.staff.limits import agent_limits
from crm.staff.signals import goodwill_approval_decided
from orders.models import OrderLine
from shop.admin_safety import MalformedFilterSafeMixin, ReadOnlyAdminMixin, ReadOnlyInlineMixin
from shop.exceptions import ShopError
from shop.money import format_money

from ..models import ResolutionAction, ResolutionActionLine, Ticket
from ..models.actions import RESOLVE_PERMISSION
from ..panels import TicketPanel, register_ticket_panel
from ..services.actions import resolution_approval_decided, resolution_request
from ..states import TicketStatus

VIEW_PERMISSION = "complaints.view_resolutionaction"
PANEL_TEMPLATE = "admin/complaints/panels/actions.html"
# Where each kind of result is shown in the admin (by its type).
RESULT_PAGES = {
    "payments.refund": "admin:payments_refund_change",
    "orders.order": "admin:orders_order_change",
    "orders.coupon": "admin:orders_coupon_change",
    "payments.pointsentry": "admin:payments_pointsentry_change",
}


class ResolutionPostForm(forms.Form):
    """What every action form posts; the items are `line-<order line id>` fields."""

    kind = forms.ChoiceField(choices=ResolutionAction.Kind.choices)
    key = forms.CharField(max_length=64)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=255)
    amount = forms.CharField(label=gettext_lazy("Amount"), max_length=20, required=False)
    valid_days = forms.CharField(label=gettext_lazy("Valid for (days)"), required=False)

    def lines(self) -> dict[str, str]:
        return {
            name.removeprefix("line-"): value
            for name, value in self.data.items()
            if name.startswith("line-") and str(value).strip() not in ("", "0")
        }


class ResolutionActionLineInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ResolutionActionLine
    fields = ["order_line", "quantity"]


@admin.register(ResolutionAction)
class ResolutionActionAdmin(ReadOnlyAdminMixin, MalformedFilterSafeMixin, admin.ModelAdmin):
    """Every resolution action, newest first (read-only: actions are taken from the ticket)."""

    list_display = ["created_at", "ticket", "kind", "status", "amount", "created_by"]
    list_filter = ["kind", "status"]
    list_select_related = ["ticket", "created_by"]
    search_fields = ["ticket__number", "reason"]
    date_hierarchy = "created_at"
    fields = [
        "ticket",
        "kind",
        "status",
        "amount",
        "currency",
        "valid_days",
        "reason",
        "approval",
        "created_by",
        "created_at",
        "done_at",
        "result_type",
        "result_id",
        "error",
    ]
    inlines = [ResolutionActionLineInline]
    actions = None

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path(
                "ticket/<int:ticket_id>/resolve/",
                wrap(require_POST(self.resolve_view)),
                name="complaints_resolutionaction_resolve",
            ),
            *super().get_urls(),
        ]

    def resolve_view(self, request: HttpRequest, ticket_id: int) -> HttpResponse:
        """One action posted from the ticket's panel: the service decides; back to the ticket."""
        if not request.user.has_perm(RESOLVE_PERMISSION):
            raise PermissionDenied
        ticket = Ticket.objects.select_related("order").filter(pk=ticket_id).first()
        if ticket is None:
            raise Http404
        back = HttpResponseRedirect(reverse("admin:complaints_ticket_change", args=[ticket.pk]))
        form = ResolutionPostForm(request.POST)
        if not form.is_valid():
            problems = "; ".join(
                f"{form.fields[name].label or name}: {' '.join(errors)}"
                for name, errors in form.errors.items()
            )
            self.message_user(request, problems, messages.ERROR)
            return back
        data = form.cleaned_data
        try:
            action = resolution_request(
                ticket=ticket,
                by=request.user,
                kind=data["kind"],
                key=data["key"],
                reason=data["reason"],
                amount=data["amount"] or None,
                lines=form.lines(),
                valid_days=data["valid_days"] or None,
            )
        except ShopError as error:
            self.message_user(request, str(error), messages.ERROR)
            return back
        self.message_user(request, _action_message(action), _message_level(action))
        return back


def _action_message(action: ResolutionAction) -> str:
    status = action.get_status_display()
    if action.status == ResolutionAction.Status.FAILED and action.error:
        status = f"{status}: {action.error}"
    return _("%(action)s: %(status)s.") % {"action": action.get_kind_display(), "status": status}


def _message_level(action: ResolutionAction) -> int:
    if action.status == ResolutionAction.Status.FAILED:
        return messages.ERROR
    if action.status == ResolutionAction.Status.AWAITING_APPROVAL:
        return messages.WARNING
    return messages.SUCCESS


def _result_url(action: ResolutionAction) -> str:
    name = RESULT_PAGES.get(action.result_type)
    if not name or not action.result_id:
        return ""
    try:
        return reverse(name, args=[action.result_id])
    except NoReverseMatch:
        return ""


def actions_panel(request: HttpRequest, ticket: Ticket) -> dict | None:
    """The panel's context: the ticket's actions (a constant number of queries) and, for staff
    who may act, the forms with a fresh one-time token each and the agent's limits."""
    user = request.user
    can_resolve = user.has_perm(RESOLVE_PERMISSION)
    if not (can_resolve or user.has_perm(VIEW_PERMISSION)):
        return None
    actions = list(
        ResolutionAction.objects.filter(ticket=ticket)
        .select_related("created_by", "approval")
        .prefetch_related("lines__order_line")
    )
    rows = [
        {
            "action": action,
            "amount": _amount_shown(action),
            "url": _result_url(action),
        }
        for action in actions
    ]
    order_lines = (
        list(OrderLine.objects.filter(order_id=ticket.order_id).order_by("pk"))
        if ticket.order_id
        else []
    )
    limits = agent_limits(user) if can_resolve else None
    return {
        "rows": rows,
        "can_resolve": can_resolve and ticket.status != TicketStatus.CLOSED,
        "order": ticket.order,
        "order_lines": order_lines,
        "physical_lines": [line for line in order_lines if not line.is_digital],
        "has_customer": ticket.customer_id is not None
        or (ticket.order is not None and ticket.order.user_id is not None),
        "tokens": {kind: uuid.uuid4().hex for kind in ResolutionAction.Kind.values},
        "post_url": reverse("admin:complaints_resolutionaction_resolve", args=[ticket.pk]),
        "limits": limits,
        "limit_refund": format_money(limits.refund_amount) if limits else "",
        "limit_coupon": format_money(limits.coupon_value) if limits else "",
    }


def _amount_shown(action: ResolutionAction) -> str:
    if action.kind == ResolutionAction.Kind.POINTS:
        return _("%(points)s points") % {"points": int(action.amount)}
    if action.kind == ResolutionAction.Kind.REPLACEMENT:
        return ""
    return format_money(action.amount, action.currency)


def _approval_decided(sender: object, approval: object, by: object, **kwargs: object) -> None:
    resolution_approval_decided(approval=approval, by=by)


def setup() -> None:
    """From ComplaintsConfig.ready(): the ticket panel and the lead's decisions."""
    register_ticket_panel(
        TicketPanel(name="actions", template=PANEL_TEMPLATE, context=actions_panel, order=30)
    )
    goodwill_approval_decided.connect(
        _approval_decided, dispatch_uid="complaints.resolution_approval_decided"
    )
