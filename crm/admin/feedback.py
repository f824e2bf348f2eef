"""The feedback answers (read-only) and the feedback report at /admin/crm/feedbacksurvey/report/
(NPS by week, by category and by carrier), which needs `crm.view_feedback_report`."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext

from shop.admin_safety import ReadOnlyAdminMixin
from shop.forms import report_range

from ..journeys.feedback.report import feedback_report
from ..models import FeedbackSurvey

REPORT = "crm.view_feedback_report"
DEFAULT_WEEKS = 12


@admin.register(FeedbackSurvey)
class FeedbackSurveyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["order", "user", "delivered_at", "sent_at", "score", "answered_at"]
    list_filter = ["score", ("answered_at", admin.EmptyFieldListFilter)]
    list_select_related = ["order", "user"]
    date_hierarchy = "sent_at"
    search_fields = ["order__number", "order__email", "user__email", "comment"]
    show_full_result_count = False
    raw_id_fields = ["order", "user"]
    actions = None
    readonly_fields = [
        "order",
        "user",
        "delivered_at",
        "sent_at",
        "score",
        "comment",
        "extra_question",
        "extra_answer",
        "answered_at",
    ]

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path("report/", wrap(self.report_view), name="crm_feedback_report"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra = {"can_see_report": request.user.has_perm(REPORT), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def report_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm(REPORT):
            raise PermissionDenied
        form, start, end = report_range(request, weeks=DEFAULT_WEEKS)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Feedback report"),
            "opts": self.model._meta,
            "form": form,
            "report": feedback_report(start=start, end=end),
        }
        return TemplateResponse(request, "admin/crm/feedback_report.html", context)
