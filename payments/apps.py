from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from crm.notifications.kinds import MessageKind, register_kind
        from crm.notifications.models import Category, Channel

        from . import receivers  # noqa: F401  (top-ups and tab settlements follow their payments)
        from .providers import (  # noqa: F401  (registers the providers)
            card,
            cod,
            echeck,
            micropayment,
            stored_value,
            wallet,
        )

        register_kind(
            MessageKind(
                "tab_declined",
                Category.TRANSACTIONAL,
                (Channel.EMAIL, Channel.SMS),
                {
                    "first_name": "Ayşe",
                    "total": "120.00",
                    "currency": "TRY",
                    "url": "http://127.0.0.1:8000/account/tab/",
                },
            )
        )
