"""Quality review: a lead scores a resolved ticket once, never their own."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shop.audit import audit_record
from shop.models import User

from ..exceptions import ComplaintRefused
from ..models import QualityReview, Ticket, TicketEvent
from ..models.quality import SCORE_MAX, SCORECARD, Score
from ..states import TicketStatus

COMMENT_MAX = 2000


def quality_review_write(
    *, ticket: Ticket, by: User, scores: dict[str, int], comment: str = ""
) -> QualityReview:
    """Score a resolved (or closed) ticket on the scorecard (each answer 0, 1 or 2). Refused:
    an open ticket, one nobody worked, the reviewer's own, or one already reviewed."""
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ComplaintRefused(
            _("Please keep it under %(count)d characters.") % {"count": COMMENT_MAX}
        )
    values = {}
    for question in SCORECARD:
        value = scores.get(question)
        if value is None or value not in Score.values:
            raise ComplaintRefused(_("Answer every question of the scorecard."))
        values[question] = int(value)
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
            raise ComplaintRefused(_("Only a resolved complaint is reviewed."))
        if locked.assignee_id is None:
            raise ComplaintRefused(_("Nobody worked this complaint: there is no one to review."))
        if locked.assignee_id == by.pk:
            raise ComplaintRefused(_("You cannot review your own complaint."))
        try:
            with transaction.atomic():
                review = QualityReview.objects.create(
                    ticket=locked,
                    agent_id=locked.assignee_id,
                    reviewer=by,
                    total=sum(values.values()),
                    comment=comment,
                    **values,
                )
        except IntegrityError:
            raise ComplaintRefused(_("This complaint has already been reviewed.")) from None
        TicketEvent.objects.create(
            ticket=locked,
            actor=by,
            kind="quality_review",
            note=f"{review.total}/{SCORE_MAX}",
        )
        audit_record(
            actor=by,
            action="complaint.quality_review",
            target=locked,
            details={**values, "total": review.total, "agent": locked.assignee_id},
        )
    return review
