"""Admin changelists answer a malformed filter the way Django answers a wrong one (`?e=1`)."""

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
