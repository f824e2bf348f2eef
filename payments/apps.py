from datetime import date

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from crm.notifications.kinds import EditableText, MessageKind, register_kind
        from crm.notifications.models import Category, Channel

        from . import receivers  # noqa: F401  (top-ups and tab settlements follow their payments)
        from .methods.card import provider as _card  # noqa: F401  (each registers its provider)
        from .methods.cod import provider as _cod  # noqa: F401
        from .methods.echeck import provider as _echeck  # noqa: F401
        from .methods.micropayment import provider as _micropayment  # noqa: F401
        from .methods.stored_value import provider as _stored_value  # noqa: F401
        from .methods.wallet import provider as _wallet  # noqa: F401

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
        register_kind(
            MessageKind(
                "points_expiring",
                Category.MARKETING,
                (Channel.EMAIL,),
                {"first_name": "Ayşe", "points": 250, "expires_at": date(2027, 1, 31)},
                text=EditableText(
                    subject=_("Your loyalty points expire soon"),
                    body=_(
                        "Hello {first_name},\n\n{points} of your loyalty points expire on "
                        "{expires_at}. Use them at checkout before then: they take money off your "
                        "order."
                    ),
                    placeholders=("first_name", "points", "expires_at", "site_name"),
                ),
            )
        )
