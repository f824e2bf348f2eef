"""Admin pieces that keep staff screens safe: a malformed filter answered the way Django answers
a wrong one (`?e=1`), and inlines that show a record nobody edits there."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path


class MalformedFilterSafeMixin:
    """A date-hierarchy year like 99999999999999999999 overflows `datetime` (OverflowError, a
    500); Django itself only catches ValueError there."""

    def get_changelist_instance(self, request: HttpRequest):
        try:
            return super().get_changelist_instance(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


class ReadOnlyInlineMixin:
    """An inline showing a record staff never edit from here (an order's lines, a payment's
    ledger): every field read-only, nothing added or deleted."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return list(self.fields)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyAdminMixin:
    """A screen staff only read (a log, a report's list, a lookup): nothing is added, changed
    or deleted from it; its writes, if any, are actions or custom views calling services."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ProxyReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A report shown as a proxy model's changelist (so it has its own view permission and its
    own line on the admin index): `report_view(request)` draws it for staff holding
    `permission`; everyone else gets 403."""

    permission = ""

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm(self.permission)

    def get_urls(self) -> list:
        opts = self.model._meta
        return [
            path(
                "",
                self.admin_site.admin_view(self.changelist_view),
                name=f"{opts.app_label}_{opts.model_name}_changelist",
            )
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self.report_view(request)

    def report_view(self, request: HttpRequest) -> HttpResponse:
        raise NotImplementedError
