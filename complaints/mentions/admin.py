"""The mention inbox in the admin: the list (new ones first to triage), the CSV upload
(`complaints.import_mentions`) and the triage page (`complaints.triage_mention`): make a ticket,
dismiss with a reason, or flag a crisis. Mentions are never edited through a model form."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shop.admin_safety import MalformedFilterSafeMixin, ReadOnlyAdminMixin

from ..exceptions import ComplaintRefused
from ..models import Mention, TriageStatus
from ..services.mentions import (
    mention_crisis_flag,
    mention_dismiss,
    mention_import,
    mention_ticket_make,
)
from .csv_upload import BadUpload, csv_rows
from .forms import MentionCrisisForm, MentionDismissForm, MentionTicketForm, MentionUploadForm
from .rows import rows_check

IMPORT_PERMISSION = "complaints.import_mentions"
TRIAGE_PERMISSION = "complaints.triage_mention"


@admin.register(Mention)
class MentionAdmin(ReadOnlyAdminMixin, MalformedFilterSafeMixin, admin.ModelAdmin):
    list_display = [
        "posted_at",
        "source",
        "author",
        "short_text",
        "classification",
        "status",
        "product",
        "ticket",
        "triage_link",
    ]
    list_filter = ["status", "source", "classification", "received_via"]
    search_fields = ["author", "text", "url"]
    list_select_related = ["product", "ticket"]
    date_hierarchy = "posted_at"
    change_list_template = "admin/complaints/mention/change_list.html"
    fields = [
        "source",
        "url",
        "author",
        "text",
        "posted_at",
        "classification",
        "product",
        "order",
        "status",
        "triaged_by",
        "triaged_at",
        "dismiss_reason",
        "ticket",
        "received_via",
        "imported_by",
        "received_at",
    ]
    actions = None

    @admin.display(description=gettext_lazy("text"))
    def short_text(self, mention: Mention) -> str:
        return Truncator(mention.text).chars(80)

    @admin.display(description=gettext_lazy("next step"))
    def triage_link(self, mention: Mention) -> str:
        if mention.status != TriageStatus.NEW:
            return ""
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:complaints_mention_triage", args=[mention.pk]),
            _("Triage"),
        )

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra = {"may_import": request.user.has_perm(IMPORT_PERMISSION), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="complaints_mention_import"),
            path("<int:pk>/triage/", view(self.triage_view), name="complaints_mention_triage"),
            *super().get_urls(),
        ]

    def _context(self, request: HttpRequest, title: str, **extra: object) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **extra}

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """A CSV of mentions: every row checked; any bad row, and nothing is imported."""
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        form = MentionUploadForm(request.POST or None, request.FILES or None)
        errors, file_error = [], ""
        if request.method == "POST" and form.is_valid():
            try:
                rows = csv_rows(form.cleaned_data["file"])
            except BadUpload as error:
                file_error = str(error)
            else:
                good, errors = rows_check(rows)
                if not errors:
                    tally = mention_import(rows=good, via=Mention.Via.CSV, by=request.user)
                    self.message_user(
                        request,
                        _("%(imported)d mentions imported; %(skipped)d already in the inbox.")
                        % {"imported": tally.imported, "skipped": tally.skipped},
                    )
                    return HttpResponseRedirect(reverse("admin:complaints_mention_changelist"))
        context = self._context(
            request,
            _("Import mentions"),
            form=form,
            errors=errors,
            file_error=file_error,
        )
        return TemplateResponse(request, "admin/complaints/mention/import.html", context)

    def triage_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The mention with its three decisions; each POST names its decision."""
        if not request.user.has_perm(TRIAGE_PERMISSION):
            raise PermissionDenied
        mention = get_object_or_404(Mention.objects.select_related("product", "order"), pk=pk)
        decision = request.POST.get("decision", "") if request.method == "POST" else ""
        forms = {
            "ticket": MentionTicketForm(request.POST if decision == "ticket" else None),
            "dismiss": MentionDismissForm(request.POST if decision == "dismiss" else None),
            "crisis": MentionCrisisForm(request.POST if decision == "crisis" else None),
        }
        form = forms.get(decision)
        if form is not None and form.is_valid():
            try:
                done = self._decide(request, mention, decision, form.cleaned_data)
            except ComplaintRefused as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                return done
        elif decision and form is None:
            self.message_user(request, _("Choose what to do with the mention."), messages.ERROR)
        context = self._context(request, _("Triage a mention"), mention=mention, forms=forms)
        return TemplateResponse(request, "admin/complaints/mention/triage.html", context)

    def _decide(self, request: HttpRequest, mention: Mention, decision: str, data: dict):
        if decision == "ticket":
            ticket = mention_ticket_make(mention=mention, by=request.user, **data)
            self.message_user(
                request,
                _("Complaint %(number)s opened from the mention.") % {"number": ticket.number},
            )
            return HttpResponseRedirect(reverse("admin:complaints_ticket_change", args=[ticket.pk]))
        if decision == "dismiss":
            mention_dismiss(mention=mention, by=request.user, **data)
            self.message_user(request, _("The mention is dismissed."))
            return HttpResponseRedirect(reverse("admin:complaints_mention_changelist"))
        alert = mention_crisis_flag(mention=mention, by=request.user, **data)
        self.message_user(
            request, _("The mention is linked to the crisis alert “%(alert)s”.") % {"alert": alert}
        )
        return HttpResponseRedirect(reverse("admin:complaints_crisisalert_change", args=[alert.pk]))
