from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The message outbox every app sends through. Imports only `shop` and Django."""

    name = "crm.notifications"
    label = "notifications"
    verbose_name = _("Messages")

    def ready(self) -> None:
        from shop.health import register_info

        from . import checks  # noqa: F401 - registers the deploy checks
        from .selectors import oldest_queued_message_age_seconds

        register_info("outbox_oldest_queued_seconds", oldest_queued_message_age_seconds)
