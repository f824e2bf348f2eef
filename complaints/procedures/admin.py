"""Staff screens for procedures and quality review (imported from ComplaintsConfig.ready()).

Procedures: the list, one procedure with its versions, a new version pre-filled from the
current one, one old version; agents' "to read" page and leads' "who has not read it".
Quality: a random sample of resolved tickets to review, the scorecard, the summary per agent.
Nothing here is edited or deleted through a model form: every write is a service."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shop.admin_safety import MalformedFilterSafeMixin, ReadOnlyAdminMixin

from ..exceptions import ComplaintError, ComplaintRefused
from ..models import Procedure, ProcedureVersion, QualityReview, Ticket
from ..models.quality import SCORE_MAX
from ..services.procedures import (
    procedure_acknowledge,
    procedure_create,
    procedure_version_write,
    ticket_procedure_follow,
)
from ..services.quality import quality_review_write
from . import selectors
from .forms import (
    VERSION_FIELDS,
    PeriodForm,
    ProcedureCreateForm,
    ProcedureVersionForm,
    SampleForm,
    ScorecardForm,
    period_data,
)

WRITE_PERMISSION = "complaints.write_procedure"
ACKNOWLEDGE_PERMISSION = "complaints.acknowledge_procedure"
GAPS_PERMISSION = "complaints.view_acknowledgements"
REVIEW_PERMISSION = "complaints.review_quality"


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


@admin.register(Procedure)
class ProcedureAdmin(MalformedFilterSafeMixin, admin.ModelAdmin):
    list_display = ["__str__", "category", "channel", "team", "current_number", "changed_at"]
    list_filter = ["category", "channel", "team"]
    list_select_related = ["team"]
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Procedure]:
        return (
            super()
            .get_queryset(request)
            .annotate(current=Max("versions__number"), changed=Max("versions__created_at"))
        )

    @admin.display(description=gettext_lazy("version"), ordering="current")
    def current_number(self, procedure: Procedure) -> int:
        return procedure.current

    @admin.display(description=gettext_lazy("changed"), ordering="changed")
    def changed_at(self, procedure: Procedure):
        return procedure.changed

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(WRITE_PERMISSION)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # a change is a new version (write_view), never an edit

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # versions are kept

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("read/", view(self.acknowledge_view), name="complaints_procedure_acknowledge"),
            path(
                "acknowledgements/",
                view(self.gaps_view),
                name="complaints_procedure_acknowledgements",
            ),
            path(
                "follow/<int:ticket_id>/",
                view(self.follow_view),
                name="complaints_procedure_follow",
            ),
            path("<int:pk>/write/", view(self.write_view), name="complaints_procedure_write"),
            path(
                "<int:pk>/versions/<int:number>/",
                view(self.version_view),
                name="complaints_procedure_version",
            ),
            *super().get_urls(),
        ]

    def _render(self, request: HttpRequest, template: str, title: str, **context) -> HttpResponse:
        return TemplateResponse(
            request,
            f"admin/complaints/{template}.html",
            {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **context},
        )

    # One procedure: the current version in full, every version listed.
    def change_view(self, request: HttpRequest, object_id: str, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        procedure = get_object_or_404(
            Procedure.objects.select_related("team"), pk=_int(object_id) or 0
        )
        versions = list(procedure.versions.select_related("written_by").order_by("-number"))
        current = versions[0] if versions else None
        return self._render(
            request,
            "procedure_detail",
            str(procedure),
            procedure=procedure,
            version=current,
            texts=current.texts() if current else None,
            versions=versions,
            can_write=request.user.has_perm(WRITE_PERMISSION),
        )

    def add_view(self, request: HttpRequest, form_url="", extra_context=None) -> HttpResponse:
        _require(request, WRITE_PERMISSION)
        form = ProcedureCreateForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                version = procedure_create(
                    category=form.cleaned_data["category"],
                    channel=form.cleaned_data["channel"],
                    team=form.cleaned_data["team"],
                    texts=form.texts(),
                    by=request.user,
                )
            except ComplaintError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, _("The procedure is written (version 1)."))
                return HttpResponseRedirect(
                    reverse("admin:complaints_procedure_change", args=[version.procedure_id])
                )
        return self._render(request, "procedure_form", _("New procedure"), form=form)

    def write_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """A new version, the form pre-filled from the current one."""
        _require(request, WRITE_PERMISSION)
        procedure = get_object_or_404(Procedure, pk=pk)
        current = selectors.current_version(procedure)
        initial = (
            {name: getattr(current, name) for name in VERSION_FIELDS if name != "change_note"}
            if current
            else {}
        )
        form = ProcedureVersionForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                version = procedure_version_write(
                    procedure=procedure, texts=form.texts(), by=request.user
                )
            except ComplaintError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(
                    request,
                    _("Version %(number)d is written; agents will be asked to read it.")
                    % {"number": version.number},
                )
                return HttpResponseRedirect(
                    reverse("admin:complaints_procedure_change", args=[procedure.pk])
                )
        return self._render(
            request,
            "procedure_form",
            _("New version of %(procedure)s") % {"procedure": procedure},
            form=form,
            procedure=procedure,
            current=current,
        )

    def version_view(self, request: HttpRequest, pk: int, number: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        version = get_object_or_404(
            ProcedureVersion.objects.select_related("procedure", "procedure__team", "written_by"),
            procedure_id=pk,
            number=number,
        )
        return self._render(
            request,
            "procedure_version",
            str(version),
            procedure=version.procedure,
            version=version,
            texts=version.texts(),
            is_current=selectors.current_version(version.procedure).pk == version.pk,
        )

    def acknowledge_view(self, request: HttpRequest) -> HttpResponse:
        """The agent's procedures (of their teams) with versions not yet read."""
        _require(request, ACKNOWLEDGE_PERMISSION)
        if request.method == "POST":
            version = (
                ProcedureVersion.objects.select_related("procedure")
                .filter(pk=_int(request.POST.get("version")))
                .first()
            )
            try:
                if version is None:
                    raise ComplaintRefused(_("There is no such procedure for you to read."))
                procedure_acknowledge(version=version, by=request.user)
            except ComplaintError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request, _("Noted: you have read %(version)s.") % {"version": version}
                )
            return HttpResponseRedirect(reverse("admin:complaints_procedure_acknowledge"))
        versions = selectors.versions_to_acknowledge(request.user)
        return self._render(
            request,
            "procedure_acknowledge",
            _("Procedures to read"),
            to_read=[(version, version.texts()) for version in versions],
            has_team=request.user.teams.exists(),
        )

    def gaps_view(self, request: HttpRequest) -> HttpResponse:
        """Per procedure version and team: who has not read it."""
        _require(request, GAPS_PERMISSION)
        all_versions = request.GET.get("all") == "1"
        return self._render(
            request,
            "procedure_acknowledgements",
            _("Who has not read the procedures"),
            gaps=selectors.acknowledgement_gaps(user=request.user, all_versions=all_versions),
            all_versions=all_versions,
        )

    def follow_view(self, request: HttpRequest, ticket_id: int) -> HttpResponse:
        """The ticket panel's "I followed this version" (POST only)."""
        _require(request, ACKNOWLEDGE_PERMISSION)
        ticket = get_object_or_404(Ticket, pk=ticket_id)
        back = HttpResponseRedirect(reverse("admin:complaints_ticket_change", args=[ticket.pk]))
        if request.method != "POST":
            return back
        version = (
            ProcedureVersion.objects.select_related("procedure")
            .filter(pk=_int(request.POST.get("version")))
            .first()
        )
        if version is None:
            self.message_user(request, _("Choose the version you followed."), messages.ERROR)
            return back
        try:
            ticket_procedure_follow(ticket=ticket, version=version, by=request.user)
        except ComplaintError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request, _("Recorded: you followed %(version)s.") % {"version": version}
            )
        return back


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


@admin.register(QualityReview)
class QualityReviewAdmin(ReadOnlyAdminMixin, MalformedFilterSafeMixin, admin.ModelAdmin):
    list_display = ["ticket", "agent", "reviewer", "total_display", "created_at"]
    list_filter = ["agent"]
    list_select_related = ["ticket", "agent", "reviewer"]
    date_hierarchy = "created_at"
    fields = [
        "ticket", "agent", "reviewer", "greeting", "procedure", "resolution", "language",
        "total", "comment", "created_at",
    ]  # fmt: skip
    actions = None

    @admin.display(description=gettext_lazy("score"), ordering="total")
    def total_display(self, review: QualityReview) -> str:
        return f"{review.total}/{SCORE_MAX}"

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("sample/", view(self.sample_view), name="complaints_qualityreview_sample"),
            path("summary/", view(self.summary_view), name="complaints_qualityreview_summary"),
            path(
                "review/<int:ticket_id>/",
                view(self.review_view),
                name="complaints_qualityreview_review",
            ),
            *super().get_urls(),
        ]

    def _render(self, request: HttpRequest, template: str, title: str, **context) -> HttpResponse:
        return TemplateResponse(
            request,
            f"admin/complaints/{template}.html",
            {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **context},
        )

    def sample_view(self, request: HttpRequest) -> HttpResponse:
        """N random resolved tickets per agent in the period, not yet reviewed."""
        _require(request, REVIEW_PERMISSION)
        form = SampleForm(period_data(request.GET))
        tickets = []
        if form.is_valid():
            tickets = [
                ticket
                for ticket in selectors.quality_sample(
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    per_agent=form.cleaned_data["per_agent"],
                )
                if ticket.assignee_id != request.user.pk
            ]
        return self._render(
            request, "quality_sample", _("Tickets to review"), form=form, tickets=tickets
        )

    def review_view(self, request: HttpRequest, ticket_id: int) -> HttpResponse:
        _require(request, REVIEW_PERMISSION)
        ticket = get_object_or_404(Ticket.objects.select_related("assignee"), pk=ticket_id)
        form = ScorecardForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                quality_review_write(
                    ticket=ticket,
                    by=request.user,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                )
            except ComplaintError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, _("The review is saved."))
                return HttpResponseRedirect(reverse("admin:complaints_qualityreview_sample"))
        return self._render(
            request,
            "quality_review",
            _("Review %(ticket)s") % {"ticket": ticket.number},
            ticket=ticket,
            form=form,
            followed=selectors.ticket_followed(ticket),
            reviewed=QualityReview.objects.filter(ticket=ticket).first(),
        )

    def summary_view(self, request: HttpRequest) -> HttpResponse:
        _require(request, REVIEW_PERMISSION)
        form = PeriodForm(period_data(request.GET))
        rows = []
        if form.is_valid():
            rows = selectors.quality_summary(
                start=form.cleaned_data["start"], end=form.cleaned_data["end"]
            )
        return self._render(
            request,
            "quality_summary",
            _("Quality per agent"),
            form=form,
            rows=rows,
            score_max=SCORE_MAX,
        )
