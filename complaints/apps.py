from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from crm.help.registry import register_complaint_topics
        from crm.notifications.kinds import MessageKind, register_kind
        from crm.notifications.models import Category, Channel
        from crm.registry import ComplaintSource, register_complaint_source

        from .admin.actions import setup as resolution_actions_setup
        from .crisis.setup import crisis_setup
        from .dashboard import register as register_dashboard_panel
        from .desk.hooks import register_desk
        from .procedures.panel import register as register_procedure_panel
        from .reports import complaints_per_100_orders
        from .satisfaction import kinds as satisfaction_kinds
        from .selectors import customer_complaint_rows, open_ticket_count
        from .services.follow_ups import complaint_follow_up_open, complaint_from_chat
        from .setup_inbound import register_inbound_parts
        from .sla_messages import register_kinds as register_sla_kinds
        from .sla_panel import register as register_sla_panel
        from .states import Category as ComplaintCategory

        register_complaint_topics(ComplaintCategory.choices)  # help articles offered per category
        register_procedure_panel()
        register_dashboard_panel()  # complaints per 100 orders on crm's analytics dashboard
        register_desk()
        resolution_actions_setup()  # resolution actions: the ticket panel, the lead's decisions

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
        register_sla_kinds()
        register_sla_panel()
        satisfaction_kinds.register()
        register_inbound_parts()
        crisis_setup()  # the crisis alert's message kind and ticket panel
        register_complaint_source(
            ComplaintSource(
                name="complaints",
                for_customer=customer_complaint_rows,
                open_count=open_ticket_count,
                follow_up=complaint_follow_up_open,
                chat_ticket=complaint_from_chat,
                per_100_orders=complaints_per_100_orders,
            )
        )
