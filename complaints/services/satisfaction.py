"""The customer's answer to the satisfaction survey: recorded once; a score of 1–2 or "not
solved" reopens a resolved ticket and tells the team's lead."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm.notifications.models import Channel as MessageChannel
from crm.notifications.services import notification_send

from ..exceptions import ComplaintRefused
from ..models import SatisfactionSurvey, Ticket, TicketEvent
from ..states import TicketStatus
from .recipients import ticket_leads
from .tickets import complaint_transition

COMMENT_MAX = 2000


def satisfaction_answer(
    *, survey: SatisfactionSurvey, score: int, solved: bool | None = None, comment: str = ""
) -> SatisfactionSurvey:
    """Record the answer (ComplaintRefused, nothing saved, for a bad score, an expired link or a
    second answer); an unhappy one reopens the ticket if it is still resolved, and its lead is
    told (once per survey)."""
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ComplaintRefused(_("Choose a score from 1 to 5."))
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ComplaintRefused(
            _("Please keep it under %(count)d characters.") % {"count": COMMENT_MAX}
        )
    now = timezone.now()
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=survey.ticket_id)
        locked = SatisfactionSurvey.objects.select_for_update().get(pk=survey.pk)
        if locked.answered_at is not None:
            raise ComplaintRefused(_("This survey has already been answered. Thank you!"))
        if locked.created_at < now - timedelta(days=settings.COMPLAINTS_CSAT_ANSWER_DAYS):
            raise ComplaintRefused(_("This survey has closed. Thank you all the same."))
        locked.score, locked.solved, locked.comment = score, solved, comment
        locked.answered_at = now
        locked.save(update_fields=["score", "solved", "comment", "answered_at"])
        with translation.override(settings.LANGUAGE_CODE):  # the history is read by staff
            summary = _("Satisfaction %(score)d/5") % {"score": score}
            if solved is not None:
                summary += " · " + (_("solved") if solved else _("not solved"))
            if comment:
                summary += f" · {comment}"
        TicketEvent.objects.create(ticket=ticket, kind="satisfaction", note=summary)
        if locked.unhappy:
            if ticket.status == TicketStatus.RESOLVED:
                with translation.override(settings.LANGUAGE_CODE):
                    note = _("Reopened: the customer was not satisfied.")
                complaint_transition(ticket=ticket, to=TicketStatus.IN_PROGRESS, note=note)
            _tell_leads(ticket=ticket, survey=locked)
    return locked


def _tell_leads(*, ticket: Ticket, survey: SatisfactionSurvey) -> None:
    url = settings.SITE_URL + reverse("admin:complaints_ticket_change", args=[ticket.pk])
    for lead in ticket_leads(ticket):
        notification_send(
            to=lead,
            kind="complaint_satisfaction_low",
            context={
                "ticket_number": ticket.number,
                "score": survey.score,
                "solved": survey.solved,
                "comment": survey.comment,
                "reopened": ticket.status != TicketStatus.CLOSED,
                "action_url": url,
            },
            channels=[MessageChannel.EMAIL],
            subject=("complaint", ticket.pk),
            dedupe_key=f"complaint-csat-low:{survey.pk}:{lead.pk}",
        )
