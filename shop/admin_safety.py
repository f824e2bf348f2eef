"""Admin pieces that keep staff screens safe: a malformed filter answered the way Django answers
a wrong one (`?e=1`), and inlines that show a record nobody edits there."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.http import HttpRequest


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
