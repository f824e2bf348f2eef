"""The daily tracking counts, read-only (view permission only): the rows the rollup keeps."""

from django.contrib import admin

from shop.admin_safety import ReadOnlyAdminMixin

from ..models import TrackingDaily


@admin.register(TrackingDaily)
class TrackingDailyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Counts per day and kind (page, product, search or checkout step), with distinct visitors."""

    list_display = ["day", "kind", "path", "product", "query", "step", "events", "visitors"]
    list_filter = ["kind"]
    list_select_related = ["product"]
    search_fields = ["path", "query"]
    date_hierarchy = "day"
    show_full_result_count = False
    actions = None
