"""The complaint report's place in the admin: a proxy of the ticket whose "view" permission
(`complaints.view_ticketreport`) opens the report (no table of its own)."""

from django.utils.translation import gettext_lazy as _

from .tickets import Ticket


class TicketReport(Ticket):
    class Meta:
        proxy = True
        verbose_name = _("complaint report")
        verbose_name_plural = _("complaint reports")
        default_permissions = ("view",)
