"""The journeys' staff screens: the overview (per journey: on or off, the last 30 days' sent,
skipped and why, failed, its last run) at /admin/crm/journeyrun/journeys/, and one page per
journey to switch it and edit its words in both languages.

Seeing needs `crm.view_journeyrun`; switching and editing `crm.manage_journeys`.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm.notifications.exceptions import PlaceholderError
from crm.notifications.kinds import get_kind
from crm.notifications.models import Channel
from crm.notifications.placeholders import placeholders_check
from crm.notifications.rendering import message_words
from crm.notifications.services import message_text_save
from shop.admin_safety import ReadOnlyAdminMixin

from ..journeys.registry import Journey, get_journey
from ..journeys.selectors import journey_enabled, journeys_report
from ..journeys.services import journey_switch
from ..models import JourneyRun

MANAGE = "crm.manage_journeys"
VIEW = "crm.view_journeyrun"


class JourneyTextsForm(forms.Form):
    """Every editable kind of one journey × every language: subject, email text, SMS text."""

    enabled = forms.BooleanField(label=_("On"), required=False)

    def __init__(self, *args: object, journey: Journey, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.groups = []
        for kind_name in journey.kinds:
            kind = get_kind(kind_name)
            if kind.text is None:
                continue
            allowed = ", ".join(f"{{{name}}}" for name in kind.text.placeholders)
            for language, language_name in settings.LANGUAGES:
                words = message_words(kind=kind_name, language=language)
                prefix = f"{kind_name}__{language}__"
                self.fields[prefix + "subject"] = forms.CharField(
                    label=_("Email subject"), max_length=200, initial=words.subject
                )
                self.fields[prefix + "body"] = forms.CharField(
                    label=_("Email text"),
                    widget=forms.Textarea(attrs={"rows": 6}),
                    initial=words.body,
                )
                names = [prefix + "subject", prefix + "body"]
                if Channel.SMS in kind.channels:
                    self.fields[prefix + "sms"] = forms.CharField(
                        label=_("SMS text"),
                        max_length=480,
                        required=False,
                        initial=words.sms,
                        widget=forms.Textarea(attrs={"rows": 2}),
                    )
                    names.append(prefix + "sms")
                for name in names:
                    self.fields[name].help_text = _("Placeholders: %(allowed)s") % {
                        "allowed": allowed
                    }
                self.groups.append(
                    {
                        "kind": kind_name,
                        "language": language_name,
                        "code": language,
                        "fields": [self[name] for name in names],
                        "placeholders": kind.text.placeholders,
                    }
                )

    def clean(self) -> dict:
        data = super().clean()
        for group in self.groups:
            for bound in group["fields"]:
                try:
                    placeholders_check(data.get(bound.name) or "", group["placeholders"])
                except PlaceholderError as error:
                    self.add_error(bound.name, str(error))
        return data


@admin.register(JourneyRun)
class JourneyRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The runs, read-only; its index link opens the journeys' overview."""

    list_display = ["journey", "started_at", "finished_at", "examined", "queued", "error"]
    list_filter = ["journey"]
    date_hierarchy = "started_at"
    actions = None

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path("journeys/", wrap(self.overview_view), name="crm_journeys"),
            path("journeys/<slug:name>/", wrap(self.journey_view), name="crm_journey"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        if "journey" not in request.GET and not request.GET.get("all"):
            return HttpResponseRedirect(reverse("admin:crm_journeys"))
        return super().changelist_view(request, extra_context)

    def overview_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm(VIEW):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Journeys"),
            "opts": self.model._meta,
            "report": journeys_report(),
            "can_manage": request.user.has_perm(MANAGE),
            "runs_url": reverse("admin:crm_journeyrun_changelist") + "?all=1",
        }
        return TemplateResponse(request, "admin/crm/journeys.html", context)

    def journey_view(self, request: HttpRequest, name: str) -> HttpResponse:
        if not request.user.has_perm(MANAGE):
            raise PermissionDenied
        try:
            journey = get_journey(name)
        except KeyError:
            raise Http404(name) from None
        initial = {"enabled": journey_enabled(name)}
        form = JourneyTextsForm(request.POST or None, journey=journey, initial=initial)
        if request.method == "POST" and form.is_valid():
            self._save(request, journey, form)
            messages.success(request, gettext("Saved."))
            return HttpResponseRedirect(reverse("admin:crm_journeys"))
        if request.method == "POST":
            messages.error(request, gettext("Nothing was saved: correct the errors below."))
        context = {
            **self.admin_site.each_context(request),
            "title": journey.title,
            "opts": self.model._meta,
            "journey": journey,
            "form": form,
        }
        return TemplateResponse(request, "admin/crm/journey.html", context)

    def _save(self, request: HttpRequest, journey: Journey, form: JourneyTextsForm) -> None:
        if "enabled" in form.changed_data:
            journey_switch(
                name=journey.name, enabled=form.cleaned_data["enabled"], staff=request.user
            )
        for group in form.groups:
            names = [bound.name for bound in group["fields"]]
            if not set(names) & set(form.changed_data):
                continue
            values = {name.rsplit("__", 1)[1]: form.cleaned_data.get(name) or "" for name in names}
            message_text_save(
                kind=group["kind"],
                language=group["code"],
                subject=values["subject"],
                body=values["body"],
                sms=values.get("sms", ""),
                staff=request.user,
            )
