"""The SLA watch's and the lifecycle sweeps' messages: staff emails (warning, breach) and the
customer's reminder while the desk waits on them. All transactional."""

from datetime import datetime
from zoneinfo import ZoneInfo

from crm.notifications.kinds import MessageKind, register_kind
from crm.notifications.models import Category, Channel

_SAMPLE_DUE = datetime(2027, 3, 5, 11, 0, tzinfo=ZoneInfo("Europe/Istanbul"))


def register_kinds() -> None:
    staff_sample = {
        "first_name": "Elif",
        "ticket_number": "SK-AB12-CD34",
        "ticket_subject": "Kargo gecikmesi",
        "target": "first_response",
        "due_at": _SAMPLE_DUE,
        "priority": "high",
        "action_url": "http://127.0.0.1:8000/admin/complaints/ticket/1/change/",
    }
    register_kind(
        MessageKind("complaint_sla_warning", Category.TRANSACTIONAL, (Channel.EMAIL,), staff_sample)
    )
    register_kind(
        MessageKind("complaint_sla_breach", Category.TRANSACTIONAL, (Channel.EMAIL,), staff_sample)
    )
    register_kind(
        MessageKind(
            "complaint_waiting_reminder",
            Category.TRANSACTIONAL,
            (Channel.EMAIL,),
            {
                "first_name": "Ayşe",
                "ticket_number": "SK-AB12-CD34",
                "action_url": "http://127.0.0.1:8000/complaints/t/abc/",
                "resolve_on": _SAMPLE_DUE,
            },
        )
    )
