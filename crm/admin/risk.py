"""Risk flags for staff: a read-only list (crm.view_riskflag) with filters, and the review and
dismiss actions (crm.review_riskflag), which call the risk services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from shop.admin_safety import ReadOnlyAdminMixin

from ..models import RiskFlag
from ..risk import services
from ..risk.selectors import risk_flags_for_staff

REVIEW_PERMISSION = "crm.review_riskflag"


class RiskActionForm(ActionForm):
    """The action bar with a reason beside the action (a dismissal must say why)."""

    note = forms.CharField(label=_("Why"), required=False, max_length=255)


@admin.register(RiskFlag)
class RiskFlagAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "kind",
        "who",
        "count",
        "base",
        "first_at",
        "last_at",
        "active",
        "review",
        "reviewed_by",
        "review_note",
    ]
    list_filter = ["kind", "active", "review"]
    search_fields = ["email", "address_key", "subject"]
    date_hierarchy = "last_at"
    action_form = RiskActionForm
    actions = ["mark_reviewed", "dismiss"]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[RiskFlag]:
        return risk_flags_for_staff()

    def has_review_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(REVIEW_PERMISSION)

    @admin.display(description=_("customer or address"))
    def who(self, flag: RiskFlag) -> str:
        """An account links to its customer 360 (which checks its own permission)."""
        if flag.customer_id:
            url = reverse("admin:crm_customer360", args=[flag.customer_id])
            return format_html('<a href="{}">{}</a>', url, flag.email or flag.customer_id)
        return flag.email or flag.address_key or flag.subject

    def _decide(self, request: HttpRequest, queryset: QuerySet[RiskFlag], *, dismiss: bool) -> None:
        note = request.POST.get("note", "")
        done = 0
        for flag in queryset:
            try:
                if dismiss:
                    services.risk_flag_dismiss(flag=flag, by=request.user, note=note)
                else:
                    services.risk_flag_mark_reviewed(flag=flag, by=request.user, note=note)
                done += 1
            except services.RiskError as error:
                self.message_user(request, str(error), messages.ERROR)
                return
        if done:
            self.message_user(
                request,
                (_("%(count)s flags dismissed.") if dismiss else _("%(count)s flags reviewed."))
                % {"count": done},
            )

    @admin.action(permissions=["review"], description=_("Mark reviewed: a real risk"))
    def mark_reviewed(self, request: HttpRequest, queryset: QuerySet[RiskFlag]) -> None:
        self._decide(request, queryset, dismiss=False)

    @admin.action(permissions=["review"], description=_("Dismiss: no risk (say why in the box)"))
    def dismiss(self, request: HttpRequest, queryset: QuerySet[RiskFlag]) -> None:
        self._decide(request, queryset, dismiss=True)
