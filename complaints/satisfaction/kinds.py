"""The survey's message kinds (transactional: the customer's own complaint), its panel on the
staff ticket screen, and its part in the retention sweep (the customer's comment goes with the
ticket's personal details; the score stays for the reports)."""

from collections.abc import Sequence

from django.http import HttpRequest

from crm.notifications.kinds import MessageKind, register_kind
from crm.notifications.models import Category, Channel

from ..models import SatisfactionSurvey
from ..panels import TicketPanel, register_ticket_panel
from ..retention import register_ticket_scrubber
from .selectors import ticket_surveys


def register() -> None:
    register_kind(
        MessageKind(
            "complaint_satisfaction",
            Category.TRANSACTIONAL,
            (Channel.EMAIL,),
            {
                "first_name": "Ayşe",
                "ticket_number": "SK-AB12-CD34",
                "subject_line": "Geç teslimat",
                "action_url": "http://127.0.0.1:8000/complaints/survey/abc/",
                "action_label": "Bize nasıl olduğunu söyleyin",
                "reminder": False,
            },
        )
    )
    register_kind(
        MessageKind(
            "complaint_satisfaction_low",
            Category.TRANSACTIONAL,
            (Channel.EMAIL,),
            {
                "first_name": "Murat",
                "ticket_number": "SK-AB12-CD34",
                "score": 2,
                "solved": False,
                "comment": "Kargo hâlâ gelmedi.",
                "reopened": True,
                "action_url": "http://127.0.0.1:8000/admin/complaints/ticket/1/change/",
            },
        )
    )
    register_ticket_panel(
        TicketPanel(
            name="satisfaction",
            template="admin/complaints/panels/satisfaction.html",
            context=_panel,
            order=60,
        )
    )
    register_ticket_scrubber("satisfaction", _scrub)


def _scrub(ticket_ids: Sequence[int]) -> None:
    SatisfactionSurvey.objects.filter(ticket_id__in=ticket_ids).exclude(comment="").update(
        comment=""
    )


def _panel(request: HttpRequest, ticket: object) -> dict | None:
    surveys = ticket_surveys(ticket.pk)
    return {"surveys": surveys} if surveys else None
