"""Staff screens: the message log (filter, resend), template previews, consent history and
each person's current consents."""

import csv

from django.conf import settings
from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from shop.admin_safety import MalformedFilterSafeMixin

from . import services
from .exceptions import UnknownKind
from .kinds import all_kinds, get_kind
from .models import (
    Category,
    Channel,
    Consent,
    ConsentCurrent,
    Message,
    PushSubscription,
    Status,
    Suppression,
)
from .rendering import render_message
from .selectors import consent_register_rows


@admin.register(Message)
class MessageAdmin(MalformedFilterSafeMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "channel",
        "recipient",
        "status",
        "attempts",
        "sms_parts",
        "subject_type",
        "subject_id",
    ]
    list_filter = ["status", "channel", "category", "kind", "subject_type", "language"]
    search_fields = ["recipient", "user__email", "subject_id", "provider_message_id", "kind"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    readonly_fields = [f.name for f in Message._meta.fields]
    change_list_template = "admin/notifications/message/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return request.method in ("GET", "HEAD") and super().has_view_permission(request, obj)

    def has_resend_permission(self, request: HttpRequest) -> bool:
        # has_change_permission is view-only on purpose (the log is never edited); a resend
        # sends again to the customer, so it needs the model's change permission itself.
        return request.user.has_perm("notifications.change_message")

    @admin.action(
        permissions=["resend"], description=_("Resend the selected failed or unknown messages")
    )
    def resend(self, request: HttpRequest, queryset) -> None:
        resendable = queryset.filter(status__in=[Status.FAILED, Status.UNKNOWN])
        count = 0
        for message in resendable:
            services.message_resend(message=message)
            count += 1
        skipped = queryset.count() - count
        self.message_user(
            request, ngettext("%d message resent.", "%d messages resent.", count) % count
        )
        if skipped:
            self.message_user(
                request,
                _("Only failed or unknown messages can be resent; %d skipped.") % skipped,
                messages.WARNING,
            )

    def get_urls(self) -> list:
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("preview/", preview, name="notifications_message_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """Every kind rendered with sample data, per channel, in each language."""
        kinds = all_kinds()
        try:
            chosen = get_kind(request.GET.get("kind") or kinds[0].name)
        except UnknownKind as error:
            raise Http404(str(error)) from error
        previews = []
        for language, language_name in settings.LANGUAGES:
            for channel in chosen.channels:
                rendered = render_message(
                    kind=chosen.name,
                    category=chosen.category,
                    channel=channel,
                    language=language,
                    context={
                        **chosen.sample_context,
                        "unsubscribe_url": "#" if chosen.category == Category.MARKETING else "",
                    },
                )
                previews.append(
                    {
                        "language": language_name,
                        "channel": Channel(channel).label,
                        "rendered": rendered,
                    }
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Message previews"),
            "kinds": kinds,
            "chosen": chosen,
            "previews": previews,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/notifications/message/preview.html", context)


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    """Consent history, read-only: a decision is recorded anew, never edited."""

    list_display = ["created_at", "user", "channel", "granted", "source", "text_version"]
    list_filter = ["channel", "granted", "source"]
    search_fields = ["user__email", "recipient"]
    list_select_related = ["user"]
    actions = ["export_for_iys"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Consent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Consent | None = None) -> bool:
        return False

    @admin.action(
        permissions=["view"], description=_("Export the selected decisions for İYS (CSV)")
    )
    def export_for_iys(self, request: HttpRequest, queryset) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="iys-consents.csv"'
        columns = ["recipient", "type", "source", "status", "consentDate", "recipientType"]
        writer = csv.DictWriter(response, fieldnames=columns)
        writer.writeheader()
        writer.writerows(consent_register_rows(queryset))
        return response


@admin.register(ConsentCurrent)
class ConsentCurrentAdmin(admin.ModelAdmin):
    """Where each person stands now, per channel; read-only (it follows the history).

    An agent records a decision taken on a call with `consent_record_by_staff`.
    """

    list_display = ["user", "channel", "granted", "source", "recipient", "updated_at"]
    list_filter = ["channel", "granted", "source"]
    search_fields = ["user__email", "recipient"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in ConsentCurrent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: ConsentCurrent | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: ConsentCurrent | None = None
    ) -> bool:
        return False


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ["address", "channel", "reason", "created_at"]
    list_filter = ["channel"]
    search_fields = ["address"]


@admin.register(PushSubscription)
class PushSubscriptionAdmin(admin.ModelAdmin):
    """The browsers that receive a customer's notifications; read-only (the customer turns them
    on and off, and the push service's 410 removes one)."""

    list_display = ["user", "user_agent", "created_at", "last_used_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    fields = ["user", "user_agent", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: PushSubscription | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: PushSubscription | None = None
    ) -> bool:
        return False
