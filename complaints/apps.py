from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from crm.notifications.kinds import MessageKind, register_kind
        from crm.notifications.models import Category, Channel
        from crm.registry import ComplaintSource, register_complaint_source

        from .crisis.setup import crisis_setup
        from .selectors import customer_complaint_rows, open_ticket_count

        register_kind(
            MessageKind(
                "complaint_reply",
                Category.TRANSACTIONAL,
                (Channel.EMAIL, Channel.SMS),
                {
                    "first_name": "Ayşe",
                    "ticket_number": "SK-AB12-CD34",
                    "reply_body": "Kargonuz yarın teslim edilecek; gecikme için özür dileriz.",
                },
            )
        )
        register_kind(
            MessageKind(
                "complaint_received",
                Category.TRANSACTIONAL,
                (Channel.EMAIL,),
                {
                    "first_name": "Ayşe",
                    "ticket_number": "SK-AB12-CD34",
                    "action_url": "http://127.0.0.1:8000/complaints/t/abc/",
                },
            )
        )
        crisis_setup()  # the crisis alert's message kind and ticket panel
        register_complaint_source(
            ComplaintSource(
                name="complaints",
                for_customer=customer_complaint_rows,
                open_count=open_ticket_count,
            )
        )
