"""Crisis alerts and plans in the admin. An alert shows its scenario's plan, its tickets grouped
by status and its mentions; managers (`complaints.manage_crisis`) take it on or close it. Plans
are edited by managers (the model's change permission); each save is on the audit trail."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _

from shop.admin_safety import MalformedFilterSafeMixin, ReadOnlyAdminMixin
from shop.audit import audit_record

from ..exceptions import ComplaintRefused
from ..models import CrisisAlert, CrisisPlan, Ticket
from ..services.crisis import crisis_alert_acknowledge, crisis_alert_close
from .forms import CrisisAcknowledgeForm, CrisisCloseForm
from .selectors import tickets_grouped

MANAGE_PERMISSION = "complaints.manage_crisis"


@admin.register(CrisisAlert)
class CrisisAlertAdmin(ReadOnlyAdminMixin, MalformedFilterSafeMixin, admin.ModelAdmin):
    list_display = ["raised_at", "scenario", "dimension", "label", "count", "baseline", "status"]
    list_filter = ["status", "scenario", "dimension"]
    search_fields = ["label", "key"]
    date_hierarchy = "raised_at"
    change_form_template = "admin/complaints/crisisalert/change_form.html"
    fields = [
        "scenario",
        "dimension",
        "label",
        "status",
        "count",
        "baseline",
        "window_start",
        "window_end",
        "raised_at",
        "raised_by",
        "acknowledged_by",
        "acknowledged_at",
        "closed_by",
        "closed_at",
        "note",
    ]
    actions = None

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/acknowledge/",
                view(self.acknowledge_view),
                name="complaints_crisisalert_acknowledge",
            ),
            path("<int:pk>/close/", view(self.close_view), name="complaints_crisisalert_close"),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        alert = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if alert is not None:
            tickets = list(
                alert.tickets.only("pk", "number", "subject", "status", "created_at").order_by(
                    "created_at"
                )
            )
            extra |= {
                "plan": CrisisPlan.objects.filter(scenario=alert.scenario).first(),
                "ticket_groups": tickets_grouped(tickets),
                "alert_mentions": alert.mentions.order_by("-posted_at")[:200],
                "may_manage": request.user.has_perm(MANAGE_PERMISSION) and alert.is_open,
                "acknowledge_form": CrisisAcknowledgeForm(),
                "close_form": CrisisCloseForm(),
            }
        return super().change_view(request, object_id, form_url, extra)

    def _back(self, request: HttpRequest, alert: CrisisAlert) -> HttpResponseRedirect:
        """To the ticket screen the form came from (the crisis panel), else the alert."""
        ticket_id = request.POST.get("ticket", "")
        if ticket_id.isdigit() and Ticket.objects.filter(pk=ticket_id).exists():
            return HttpResponseRedirect(
                reverse("admin:complaints_ticket_change", args=[int(ticket_id)])
            )
        return HttpResponseRedirect(reverse("admin:complaints_crisisalert_change", args=[alert.pk]))

    def acknowledge_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm(MANAGE_PERMISSION):
            raise PermissionDenied
        alert = get_object_or_404(CrisisAlert, pk=pk)
        if request.method != "POST":
            return self._back(request, alert)
        form = CrisisAcknowledgeForm(request.POST)
        if not form.is_valid():
            self.message_user(request, _("Choose a scenario."), messages.ERROR)
            return self._back(request, alert)
        try:
            crisis_alert_acknowledge(alert=alert, by=request.user, **form.cleaned_data)
        except ComplaintRefused as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, _("You took this crisis on: follow its plan."))
        return self._back(request, alert)

    def close_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm(MANAGE_PERMISSION):
            raise PermissionDenied
        alert = get_object_or_404(CrisisAlert, pk=pk)
        if request.method != "POST":
            return self._back(request, alert)
        form = CrisisCloseForm(request.POST)
        if not form.is_valid():
            self.message_user(request, _("Say how the crisis ended."), messages.ERROR)
            return self._back(request, alert)
        try:
            crisis_alert_close(alert=alert, by=request.user, **form.cleaned_data)
        except ComplaintRefused as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, _("The crisis alert is closed."))
        return self._back(request, alert)


@admin.register(CrisisPlan)
class CrisisPlanAdmin(admin.ModelAdmin):
    """One plan per scenario, kept by managers (the seed's six are there from the start)."""

    list_display = ["scenario", "statement_approvers", "updated_at", "updated_by"]
    fields = ["scenario", "roles", "first_message_tr", "first_message_en", "statement_approvers"]
    readonly_fields = ["updated_at"]
    actions = None

    def save_model(self, request: HttpRequest, obj: CrisisPlan, form, change: bool) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action="crisis.plan_save", target=obj)
