"""Sending the satisfaction survey: when a ticket is resolved (called by the door, inside its
transaction) and one reminder later (a periodic sweep). Each message once per occasion."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm.notifications.models import Channel as MessageChannel
from crm.notifications.services import notification_send
from shop.models import User

from ..models import SatisfactionSurvey, Ticket
from ..satisfaction.links import survey_url
from ..states import TicketStatus
from .recipients import ticket_recipient

KIND = "complaint_satisfaction"
REMINDER_BATCH = 500


def satisfaction_survey_open(*, ticket: Ticket, by: User | None = None) -> SatisfactionSurvey:
    """A new survey for this resolution of the ticket (round n after n resolutions) and its
    email on commit. Called by `complaint_transition` with the ticket locked."""
    rounds = SatisfactionSurvey.objects.filter(ticket=ticket).count()
    survey = SatisfactionSurvey.objects.create(
        ticket=ticket, round=rounds + 1, agent=ticket.assignee or by
    )
    _send(survey=survey, reminder=False)
    return survey


def _send(*, survey: SatisfactionSurvey, reminder: bool) -> None:
    ticket = survey.ticket
    to = ticket_recipient(ticket)
    language = getattr(to, "language", "") or ticket.language or settings.LANGUAGE_CODE
    with translation.override(language):
        action_label = _("Tell us how we did")
    occasion = "complaint-csat-reminder" if reminder else "complaint-csat"
    notification_send(
        to=to,
        kind=KIND,
        context={
            "ticket_number": ticket.number,
            "subject_line": ticket.subject,
            "action_url": survey_url(survey=survey, language=language),
            "action_label": action_label,
            "reminder": reminder,
        },
        channels=[MessageChannel.EMAIL],
        subject=("complaint", ticket.pk),
        dedupe_key=f"{occasion}:{survey.pk}",
    )


def satisfaction_reminders_send(*, now: datetime | None = None) -> int:
    """Remind once about each survey unanswered after COMPLAINTS_CSAT_REMINDER_DAYS (the ticket
    still resolved or closed, the link still good); returns how many. Safe to run twice."""
    now = now or timezone.now()
    due_by = now - timedelta(days=settings.COMPLAINTS_CSAT_REMINDER_DAYS)
    expired = now - timedelta(days=settings.COMPLAINTS_CSAT_ANSWER_DAYS)
    due = list(
        SatisfactionSurvey.objects.filter(
            answered_at=None,
            reminded_at=None,
            created_at__lte=due_by,
            created_at__gt=expired,
            ticket__status__in=(TicketStatus.RESOLVED, TicketStatus.CLOSED),
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:REMINDER_BATCH]
    )
    sent = 0
    for survey_id in due:
        with transaction.atomic():
            survey = (
                SatisfactionSurvey.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("ticket", "ticket__customer")
                .filter(pk=survey_id, answered_at=None, reminded_at=None)
                .first()
            )
            if survey is None:
                continue
            survey.reminded_at = now
            survey.save(update_fields=["reminded_at"])
            _send(survey=survey, reminder=True)
            sent += 1
    return sent
