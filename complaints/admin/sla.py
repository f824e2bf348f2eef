"""SLA policies in the admin (complaint managers edit them; saving moves the deadlines of the
open tickets they govern), and a "SLA" filter the ticket queue can use to show breaches.

Imported from `ComplaintsConfig.ready()` (complaints/admin.py is the ticket screen's)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shop.admin_safety import MalformedFilterSafeMixin

from ..models import SlaPolicy, Ticket
from ..selectors_sla import breached_tickets, warned_tickets
from ..services.sla import sla_policy_delete, sla_policy_save


@admin.register(SlaPolicy)
class SlaPolicyAdmin(MalformedFilterSafeMixin, admin.ModelAdmin):
    list_display = [
        "category",
        "priority",
        "first_response_hours",
        "resolution_hours",
        "updated_at",
    ]
    list_filter = ["category", "priority"]
    list_editable = ["first_response_hours", "resolution_hours"]
    fields = ["category", "priority", "first_response_hours", "resolution_hours"]
    ordering = ["category", "priority"]
    actions = None  # deleting one at a time goes through the service (deadlines move back)

    def save_model(self, request: HttpRequest, obj: SlaPolicy, form: object, change: bool) -> None:
        sla_policy_save(policy=obj, by=request.user)

    def delete_model(self, request: HttpRequest, obj: SlaPolicy) -> None:
        sla_policy_delete(policy=obj, by=request.user)


class SlaFilter(admin.SimpleListFilter):
    """For the ticket queue (`list_filter = [..., SlaFilter]`): breached, or warned and not
    yet breached."""

    title = _("SLA")
    parameter_name = "sla"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, object]]:
        return [("breached", _("Breached")), ("warned", _("Warned (80 %)"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
        now = timezone.now()
        if self.value() == "breached":
            return queryset.filter(pk__in=breached_tickets(now=now).values("pk"))
        if self.value() == "warned":
            return queryset.filter(pk__in=warned_tickets(now=now).values("pk"))
        return queryset
