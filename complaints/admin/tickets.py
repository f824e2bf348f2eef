"""The staff desk: the queue (Admin › Complaints › Complaints: mine, my team's, unassigned,
overdue; oldest deadline first) and the ticket screen — the facts, the conversation, the
history, the panels other parts register (complaints/panels.py), and small forms that post to
their own URLs and call one service each (reply, note, status, assignment, priority/category).

Permissions: `complaints.view_ticket` reads; `complaints.work_ticket` replies, notes, changes
status and takes tickets; `complaints.assign_ticket` (leads, managers) reassigns another
agent's ticket, reads every team's notes and sees the overdue queue."""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.models import Team
from crm.notifications.exceptions import PlaceholderError
from crm.staff.lookup import customer_360_url
from shop.admin_safety import MalformedFilterSafeMixin, ReadOnlyAdminMixin
from shop.exceptions import ShopError
from shop.models import User

from ..desk import forms as desk_forms
from ..desk import selectors
from ..desk.masking import MASK, mask_email, mask_phone, viewer_is_masked
from ..models import Ticket
from ..panels import ticket_panels
from ..services import (
    complaint_note,
    complaint_open,
    complaint_reply,
    complaint_transition,
    ticket_assign,
    ticket_reclassify,
)
from ..states import OPEN
from .sla import SlaFilter

VIEW_PERMISSION = "complaints.view_ticket"
WORK_PERMISSION = "complaints.work_ticket"
ASSIGN_PERMISSION = "complaints.assign_ticket"


class QueueFilter(admin.SimpleListFilter):
    """The agent's queues; "Overdue" (open and past its deadline) for leads and managers."""

    title = gettext_lazy("queue")
    parameter_name = "queue"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        queues = [
            ("mine", gettext_lazy("Mine")),
            ("team", gettext_lazy("My team's")),
            ("unassigned", gettext_lazy("Unassigned")),
        ]
        if request.user.has_perm(ASSIGN_PERMISSION):
            queues.append(("overdue", gettext_lazy("Overdue")))
        return queues

    def queryset(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
        user = request.user
        if self.value() == "mine":
            return queryset.filter(assignee=user, status__in=OPEN)
        if self.value() == "team":
            teams = Team.objects.filter(Q(members=user) | Q(lead=user)).values("pk")
            return queryset.filter(team__in=teams, status__in=OPEN)
        if self.value() == "unassigned":
            return queryset.filter(assignee__isnull=True, status__in=OPEN)
        if self.value() == "overdue" and user.has_perm(ASSIGN_PERMISSION):
            return queryset.filter(status__in=OPEN, due_at__lt=timezone.now())
        return queryset


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdminMixin, MalformedFilterSafeMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "subject",
        "status",
        "priority",
        "category",
        "channel",
        "team",
        "assignee",
        "due_display",
        "created_at",
    ]
    list_filter = [QueueFilter, SlaFilter, "status", "priority", "category", "channel", "team"]
    search_fields = ["number", "subject", "contact_email", "contact_phone", "order__number"]
    list_select_related = ["team", "assignee"]
    ordering = ["due_at", "created_at"]
    date_hierarchy = "created_at"
    actions = None
    show_full_result_count = False

    @admin.display(description=gettext_lazy("due"), ordering="due_at")
    def due_display(self, ticket: Ticket) -> str:
        text = selectors.due_text(ticket)
        if selectors.is_overdue(ticket):
            return format_html('<strong class="ticket-overdue">{}</strong>', text)
        return text

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path("open/", wrap(self.intake_view), name="complaints_ticket_intake"),
            *(
                path(f"<int:pk>/{name}/", wrap(getattr(self, f"{name}_view")), name=f"{url}")
                for name, url in (
                    ("reply", "complaints_ticket_reply"),
                    ("note", "complaints_ticket_note"),
                    ("status", "complaints_ticket_status"),
                    ("assign", "complaints_ticket_assign"),
                    ("reclassify", "complaints_ticket_reclassify"),
                )
            ),
            *super().get_urls(),
        ]

    # --- the ticket screen ---------------------------------------------------------------

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        if not request.user.has_perm(VIEW_PERMISSION):
            raise PermissionDenied
        if not str(object_id).isdigit():
            raise Http404
        ticket = selectors.ticket_for_desk(pk=int(object_id))
        return self._screen(request, ticket)

    def _screen(
        self, request: HttpRequest, ticket: Ticket, bound: dict[str, forms.Form] | None = None
    ) -> HttpResponse:
        """The ticket screen; `bound` holds a form that came back with errors."""
        user = request.user
        bound = bound or {}
        may_work = user.has_perm(WORK_PERMISSION) and ticket.status != "closed"
        reply_initial = {}
        canned_id = request.GET.get("canned", "")
        if canned_id and may_work:
            try:
                text = selectors.canned_text_for(ticket=ticket, canned_id=canned_id)
            except PlaceholderError as error:
                text = None
                messages.error(request, str(error))
            if text is None:
                messages.warning(request, _("That canned response is not available here."))
            else:
                reply_initial = {"body": text}
        transitions = selectors.allowed_transitions(ticket)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{ticket.number} · {ticket.subject}",
            "subtitle": None,
            "ticket": ticket,
            "contact": self._contact(request, ticket),
            "due": selectors.due_text(ticket),
            "overdue": selectors.is_overdue(ticket),
            "conversation": list(selectors.visible_messages(ticket=ticket, viewer=user)),
            "history": list(selectors.ticket_history(ticket=ticket)),
            "panels": [
                mark_safe(render_to_string(template, panel_context, request=request))  # noqa: S308
                for template, panel_context in ticket_panels(request, ticket)
            ],
            "may_work": may_work,
            "may_assign": user.has_perm(WORK_PERMISSION) and ticket.status != "closed",
            "canned": selectors.ticket_canned_responses(ticket) if may_work else [],
            "canned_id": canned_id,
            "reply_form": bound.get("reply") or desk_forms.ReplyForm(initial=reply_initial),
            "note_form": bound.get("note") or desk_forms.NoteForm(),
            "status_form": bound.get("status") or desk_forms.StatusForm(transitions=transitions),
            "assign_form": bound.get("assign")
            or desk_forms.AssignForm(initial={"to": ticket.assignee_id, "team": ticket.team_id}),
            "reclassify_form": bound.get("reclassify")
            or desk_forms.ReclassifyForm(
                initial={"priority": ticket.priority, "category": ticket.category}
            ),
        }
        return TemplateResponse(request, "admin/complaints/ticket_desk.html", context)

    def _contact(self, request: HttpRequest, ticket: Ticket) -> dict[str, object]:
        """The customer as this staff member may see them (masked for outsourced teams)."""
        masked = viewer_is_masked(request.user)
        customer = ticket.customer
        name = ticket.contact_name or (customer.get_full_name() if customer else "")
        address = list(ticket.order.shipping_address.get("lines", [])) if ticket.order else []
        show_360 = (
            customer is not None and not masked and request.user.has_perm("crm.view_customer360")
        )
        return {
            "masked": masked,
            "name": name or (customer.email if customer and not masked else MASK),
            "email": mask_email(ticket.contact_email) if masked else ticket.contact_email,
            "phone": mask_phone(ticket.contact_phone) if masked else ticket.contact_phone,
            "address": [MASK] if masked and address else address,
            "url_360": customer_360_url(customer.pk) if show_360 else "",
            "order_url": (
                reverse("admin:orders_order_change", args=[ticket.order_id])
                if ticket.order_id and not masked
                else ""
            ),
        }

    # --- the screen's actions: POST only, one service each, back to the screen -----------

    def _act(
        self,
        request: HttpRequest,
        pk: int,
        *,
        name: str,
        form_class: Callable[..., forms.Form],
        act: Callable[[Ticket, forms.Form], str],
        permission: str = WORK_PERMISSION,
    ) -> HttpResponse:
        """Validate the form, run the service, say what happened; a refusal shows its message
        and changes nothing; a bad form comes back on the screen with its errors."""
        if not (request.user.has_perm(VIEW_PERMISSION) and request.user.has_perm(permission)):
            raise PermissionDenied
        ticket = selectors.ticket_for_desk(pk=pk)
        if request.method != "POST":
            return HttpResponseRedirect(self._screen_url(ticket))
        form = form_class(request.POST, ticket=ticket)
        if not form.is_valid():
            messages.error(request, _("Please correct the errors below."))
            return self._screen(request, ticket, bound={name: form})
        try:
            done = act(ticket, form)
        except ShopError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, done)
        return HttpResponseRedirect(self._screen_url(ticket))

    @staticmethod
    def _screen_url(ticket: Ticket) -> str:
        return reverse("admin:complaints_ticket_change", args=[ticket.pk])

    def reply_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        def act(ticket: Ticket, form: forms.Form) -> str:
            complaint_reply(ticket=ticket, by=request.user, body=form.cleaned_data["body"])
            return _("Your reply is on its way to the customer.")

        return self._act(
            request, pk, name="reply", form_class=_plain(desk_forms.ReplyForm), act=act
        )

    def note_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        def act(ticket: Ticket, form: forms.Form) -> str:
            complaint_note(ticket=ticket, by=request.user, body=form.cleaned_data["body"])
            return _("The note is saved.")

        return self._act(request, pk, name="note", form_class=_plain(desk_forms.NoteForm), act=act)

    def status_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        def form_class(data: dict, *, ticket: Ticket) -> forms.Form:
            return desk_forms.StatusForm(data, transitions=selectors.allowed_transitions(ticket))

        def act(ticket: Ticket, form: forms.Form) -> str:
            done = complaint_transition(
                ticket=ticket,
                to=form.cleaned_data["to"],
                by=request.user,
                note=form.cleaned_data["note"],
            )
            return _("The complaint is now “%(status)s”.") % {"status": done.get_status_display()}

        return self._act(request, pk, name="status", form_class=form_class, act=act)

    def assign_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        def act(ticket: Ticket, form: forms.Form) -> str:
            done = ticket_assign(
                ticket=ticket,
                to=form.cleaned_data["to"],
                team=form.cleaned_data["team"],
                by=request.user,
            )
            if done.assignee is None:
                return _("The complaint is in the queue of %(team)s.") % {"team": done.team}
            return _("The complaint is assigned to %(agent)s.") % {
                "agent": done.assignee.get_full_name() or done.assignee.email
            }

        return self._act(
            request, pk, name="assign", form_class=_plain(desk_forms.AssignForm), act=act
        )

    def reclassify_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        def act(ticket: Ticket, form: forms.Form) -> str:
            data = form.cleaned_data
            ticket_reclassify(
                ticket=ticket,
                by=request.user,
                priority=data["priority"],
                category=data["category"],
                note=data["note"],
            )
            return _("Priority and category are saved.")

        return self._act(
            request,
            pk,
            name="reclassify",
            form_class=_plain(desk_forms.ReclassifyForm),
            act=act,
        )

    # --- staff intake: a complaint taken on the phone, in the shop, by email or chat --------

    def intake_view(self, request: HttpRequest) -> HttpResponse:
        """`?customer=<id>` (from the 360) or a guest's contact (`?phone=`, `?email=`, from the
        call-centre console); on success the new ticket's screen."""
        if not (request.user.has_perm(VIEW_PERMISSION) and request.user.has_perm(WORK_PERMISSION)):
            raise PermissionDenied
        customer = None
        customer_id = request.GET.get("customer", "")
        if customer_id:
            if not customer_id.isdigit():
                raise Http404
            customer = User.objects.filter(pk=int(customer_id)).first()
            if customer is None:
                raise Http404
        if request.method == "POST":
            form = desk_forms.IntakeForm(request.POST, customer=customer)
            if form.is_valid():
                data = form.cleaned_data
                order = data["order_number"]
                try:
                    ticket = complaint_open(
                        channel=data["channel"],
                        category=data["category"],
                        priority=data["priority"],
                        desired_outcome=data["desired_outcome"],
                        description=data["description"],
                        subject=data["subject"],
                        customer=customer,
                        contact_name=data.get("contact_name", ""),
                        contact_email=data.get("contact_email", ""),
                        contact_phone=data.get("contact_phone", ""),
                        order=order,
                        language=customer.language if customer else "tr",
                        by=request.user,
                    )
                except ShopError as refused:
                    form.add_error(None, str(refused))
                else:
                    messages.success(
                        request,
                        _("Complaint %(number)s is open.") % {"number": ticket.number},
                    )
                    return HttpResponseRedirect(self._screen_url(ticket))
        else:
            initial = {
                "contact_phone": request.GET.get("phone", ""),
                "contact_email": request.GET.get("email", ""),
                "contact_name": request.GET.get("name", ""),
                "order_number": request.GET.get("order", ""),
            }
            form = desk_forms.IntakeForm(initial=initial, customer=customer)
        who = (customer.get_full_name() or customer.email) if customer else _("a guest")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Open a complaint for %(who)s") % {"who": who},
            "subtitle": None,
            "form": form,
            "customer": customer,
        }
        return TemplateResponse(request, "admin/complaints/ticket_intake.html", context)


def _plain(form_class: type[forms.Form]) -> Callable[..., forms.Form]:
    """A form that needs nothing of the ticket, called like the ones that do."""

    def build(data: dict, *, ticket: Ticket) -> forms.Form:
        return form_class(data)

    return build
