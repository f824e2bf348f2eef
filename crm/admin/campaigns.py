"""Campaigns' staff screens: the list, a draft's form, and per campaign its page (status,
progress polled with htmx, the actions) at <id>/overview/, the preview at <id>/preview/ and the
report at <id>/report/.

`crm.manage_campaigns`: create, edit (drafts only) and preview. `crm.send_campaign`: schedule,
send now, back to draft and cancel. Either, or `crm.view_campaign`, may see the list, the
progress and the report.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from crm.notifications.models import Category
from crm.notifications.rendering import render_message
from shop.exceptions import ShopError
from shop.models import User

from ..campaigns.exceptions import CampaignRefused
from ..campaigns.report import campaign_report
from ..campaigns.selectors import KIND, campaign_preview
from ..campaigns.sending import recipient_context
from ..campaigns.services import (
    campaign_cancel,
    campaign_errors,
    campaign_save,
    campaign_schedule,
    campaign_unschedule,
)
from ..campaigns.states import CampaignStatus
from ..campaigns.texts import campaign_placeholders, placeholders_used, words_by_language
from ..models import Campaign

MANAGE = "crm.manage_campaigns"
SEND = "crm.send_campaign"
VIEW = "crm.view_campaign"


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "name", "segment", "channel",
            "subject_tr", "body_tr", "sms_tr", "subject_en", "body_en", "sms_en",
            "landing_path", "coupon_mode", "shared_coupon",
            "personal_kind", "personal_value", "personal_valid_days",
            "send_at", "repeats_monthly", "holdout_percent", "window_days", "cost",
        ]  # fmt: skip
        widgets = {
            "body_tr": forms.Textarea(attrs={"rows": 6}),
            "body_en": forms.Textarea(attrs={"rows": 6}),
            "sms_tr": forms.Textarea(attrs={"rows": 2}),
            "sms_en": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        allowed = ", ".join(f"{{{name}}}" for name in campaign_placeholders())
        for name in ("subject_tr", "body_tr", "sms_tr", "subject_en", "body_en", "sms_en"):
            self.fields[name].help_text = gettext("Placeholders: %(allowed)s") % {
                "allowed": allowed
            }
        if "shared_coupon" in self.fields:
            self.fields["shared_coupon"].queryset = self.fields["shared_coupon"].queryset.filter(
                user__isnull=True, is_active=True
            )

    def _post_clean(self) -> None:
        super()._post_clean()
        for field, errors in campaign_errors(self.instance).items():
            for error in errors:
                if field in self.fields and field not in self._errors:
                    self.add_error(field, error)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignForm
    list_display = [
        "name", "status", "channel", "segment", "send_at",
        "sent_count", "holdout_count", "overview_link",
    ]  # fmt: skip
    list_filter = ["status", "channel"]
    list_select_related = ["segment"]
    search_fields = ["name"]
    actions = None
    fieldsets = [
        (None, {"fields": ["name", "segment", "channel", "landing_path"]}),
        (_("Email"), {"fields": ["subject_tr", "body_tr", "subject_en", "body_en"]}),
        (_("SMS"), {"fields": ["sms_tr", "sms_en"]}),
        (
            _("Coupon"),
            {
                "fields": [
                    "coupon_mode",
                    "shared_coupon",
                    "personal_kind",
                    "personal_value",
                    "personal_valid_days",
                ]
            },
        ),
        (
            _("Sending and measuring"),
            {"fields": ["send_at", "repeats_monthly", "holdout_percent", "window_days", "cost"]},
        ),
    ]
    raw_id_fields = ["shared_coupon"]

    # --- permissions ---------------------------------------------------------------------------

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        user = request.user
        return user.has_perm(MANAGE) or user.has_perm(SEND) or user.has_perm(VIEW)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MANAGE)

    def has_change_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        return request.user.has_perm(MANAGE) and (obj is None or obj.is_draft)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    # --- list and form -------------------------------------------------------------------------

    @admin.display(description=_("campaign page"))
    def overview_link(self, campaign: Campaign) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:crm_campaign_overview", args=[campaign.pk]),
            gettext("Open"),
        )

    def save_model(
        self, request: HttpRequest, obj: Campaign, form: forms.Form, change: bool
    ) -> None:
        campaign_save(campaign=obj, staff=request.user)

    def response_add(self, request: HttpRequest, obj: Campaign, post_url_continue=None):
        if "_continue" in request.POST or "_addanother" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        return HttpResponseRedirect(reverse("admin:crm_campaign_overview", args=[obj.pk]))

    def response_change(self, request: HttpRequest, obj: Campaign):
        if "_continue" in request.POST or "_addanother" in request.POST:
            return super().response_change(request, obj)
        return HttpResponseRedirect(reverse("admin:crm_campaign_overview", args=[obj.pk]))

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/overview/", wrap(self.overview_view), name="crm_campaign_overview"),
            path("<int:pk>/progress/", wrap(self.progress_view), name="crm_campaign_progress"),
            path("<int:pk>/preview/", wrap(self.preview_view), name="crm_campaign_preview"),
            path("<int:pk>/send/", wrap(require_POST(self.send_view)), name="crm_campaign_send"),
            path("<int:pk>/report/", wrap(self.report_view), name="crm_campaign_report"),
            *super().get_urls(),
        ]

    # --- custom pages --------------------------------------------------------------------------

    def _campaign(self, request: HttpRequest, pk: int, permission: str | None = None) -> Campaign:
        if permission and not request.user.has_perm(permission):
            raise PermissionDenied
        if not self.has_view_permission(request):
            raise PermissionDenied
        campaign = Campaign.objects.select_related("segment", "shared_coupon").filter(pk=pk).first()
        if campaign is None:
            raise Http404
        return campaign

    def _context(self, request: HttpRequest, campaign: Campaign, title: str) -> dict:
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "campaign": campaign,
            "original": campaign,
            "can_manage": request.user.has_perm(MANAGE),
            "can_send": request.user.has_perm(SEND),
            "polling": campaign.status in (CampaignStatus.SCHEDULED, CampaignStatus.SENDING),
        }

    def overview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = self._campaign(request, pk)
        context = self._context(request, campaign, campaign.name)
        context["errors"] = campaign_errors(campaign) if campaign.is_draft else {}
        context["now"] = timezone.localtime()
        return TemplateResponse(request, "admin/crm/campaign/overview.html", context)

    def progress_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The progress figures: a fragment for htmx's poll, the overview page otherwise."""
        if not request.htmx:
            return HttpResponseRedirect(reverse("admin:crm_campaign_overview", args=[pk]))
        campaign = self._campaign(request, pk)
        context = self._context(request, campaign, campaign.name)
        return TemplateResponse(request, "admin/crm/campaign/_progress.html", context)

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = self._campaign(request, pk, MANAGE)
        preview = campaign_preview(campaign)
        samples = []
        errors = campaign_errors(campaign)
        if preview.sample_user is not None and not errors:
            samples = _samples(campaign, preview.sample_user)
        context = self._context(
            request, campaign, gettext("Preview: %(name)s") % {"name": campaign.name}
        )
        context |= {"preview": preview, "samples": samples, "errors": errors}
        return TemplateResponse(request, "admin/crm/campaign/preview.html", context)

    def send_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = self._campaign(request, pk, SEND)
        action = request.POST.get("action", "")
        try:
            if action == "now":
                campaign_schedule(campaign=campaign, staff=request.user, now=True)
                messages.success(request, gettext("The campaign is being sent."))
            elif action == "schedule":
                campaign_schedule(campaign=campaign, staff=request.user)
                messages.success(request, gettext("The campaign is scheduled."))
            elif action == "unschedule":
                campaign_unschedule(campaign=campaign, staff=request.user)
                messages.success(request, gettext("The campaign is a draft again."))
            elif action == "cancel":
                campaign_cancel(campaign=campaign, staff=request.user)
                messages.success(request, gettext("The campaign is cancelled."))
            else:
                messages.error(request, gettext("Choose what to do."))
        except (CampaignRefused, ShopError) as error:
            messages.error(request, str(error))
        return HttpResponseRedirect(reverse("admin:crm_campaign_overview", args=[pk]))

    def report_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = self._campaign(request, pk)
        context = self._context(
            request, campaign, gettext("Report: %(name)s") % {"name": campaign.name}
        )
        context["report"] = campaign_report(campaign)
        return TemplateResponse(request, "admin/crm/campaign/report.html", context)


def _samples(campaign: Campaign, user: User) -> list[dict]:
    """The message `user` would get, in each shop language (no coupon is issued for it)."""
    words = words_by_language(campaign)
    context = recipient_context(campaign, user, placeholders_used(campaign), sample=True)
    samples = []
    for language, language_name in settings.LANGUAGES:
        rendered = render_message(
            kind=KIND,
            category=Category.MARKETING,
            channel=campaign.channel,
            language=language,
            context={"first_name": user.first_name, "unsubscribe_url": "#", **context},
            words=words[language],
        )
        samples.append({"language": language_name, "rendered": rendered})
    return samples
