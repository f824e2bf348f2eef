"""Canned responses (Admin › CRM › Canned responses): written by complaint managers, picked by
agents on the complaint desk (and the chat). The text may use only the placeholders of
`crm.staff.canned`; anything else is refused when saving, with a message naming it."""

from django.contrib import admin
from django.utils.translation import gettext as _

from ..models import CannedResponse
from ..staff.canned import CANNED_PLACEHOLDERS


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ["title", "language", "category", "active", "updated_at"]
    list_filter = ["language", "active", "category"]
    search_fields = ["title", "body"]
    fields = ["title", "language", "category", "active", "body"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.base_fields["body"].help_text = _("Placeholders you may use: %(names)s.") % {
            "names": ", ".join(f"{{{name}}}" for name in CANNED_PLACEHOLDERS)
        }
        return form
