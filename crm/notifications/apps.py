from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The message outbox every app sends through. Imports only `shop` and Django."""

    name = "crm.notifications"
    label = "notifications"
    verbose_name = _("Messages")
