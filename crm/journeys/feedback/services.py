"""The feedback journey's writes: open a survey at delivery, send it N days later (the
hourly sweep), record the answer and open a follow-up for staff when the score is low."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm.models import FeedbackSurvey, Interaction
from crm.notifications.services import Recipient, next_allowed_time, notification_send
from crm.registry import FollowUp, follow_up_opener
from crm.staff.interactions import interaction_log
from orders.models import Order
from orders.states import OrderStatus
from shop.models import User

from ..selectors import journey_enabled
from ..services import journey_run
from .exceptions import FeedbackRefused
from .links import survey_url
from .selectors import extra_question

JOURNEY = "feedback"
KIND = "feedback_request"
SWEEP_BATCH = 1000
COMMENT_MAX = 1000
DETRACTOR_MAX = 6


def feedback_survey_open(*, order: Order, delivered_at: datetime | None = None) -> None:
    """Note that the order arrived: its survey waits for the sweep (once per order)."""
    FeedbackSurvey.objects.bulk_create(
        [
            # By id: assigning the order would cache this unsaved row on it as `order.feedback`.
            FeedbackSurvey(
                order_id=order.pk,
                user_id=order.user_id,
                delivered_at=delivered_at or timezone.now(),
            )
        ],
        ignore_conflicts=True,
    )


def feedback_sweep(*, now: datetime | None = None) -> int:
    """Send each survey that is due (delivered N days ago, order still delivered); returns how
    many were queued. Safe to run twice: a survey is sent once, under a dedupe key."""
    if not journey_enabled(JOURNEY):
        return 0
    now = now or timezone.now()
    due_by = now - timedelta(days=settings.JOURNEY_FEEDBACK_AFTER_DAYS)
    too_old = now - timedelta(days=settings.JOURNEY_FEEDBACK_LATEST_DAYS)
    with journey_run(JOURNEY) as tally:
        due = list(
            FeedbackSurvey.objects.filter(
                sent_at=None,
                delivered_at__lte=due_by,
                delivered_at__gt=too_old,
                order__status=OrderStatus.DELIVERED,
            )
            .order_by("delivered_at")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        for survey_id in due:
            tally.examined += 1
            if feedback_request_send(survey_id=survey_id, now=now):
                tally.queued += 1
    return tally.queued


def feedback_request_send(*, survey_id: int, now: datetime) -> bool:
    """Queue one survey's email (key `feedback:<order id>`) and mark it sent; False when
    another run has it or sent it."""
    with transaction.atomic():
        survey = (
            FeedbackSurvey.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("order", "user")
            .filter(pk=survey_id, sent_at=None)
            .first()
        )
        if survey is None:
            return False
        order = survey.order
        to = _recipient(survey)
        language = to.language or order.language or settings.LANGUAGE_CODE
        with translation.override(language):
            action_label = _("Answer the survey")
        notification_send(
            to=to,
            kind=KIND,
            context={
                "first_name": _first_name(survey),
                "order_number": order.number,
                "action_url": survey_url(survey=survey, language=language),
                "action_label": action_label,
            },
            subject=("order", order.pk),
            dedupe_key=f"feedback:{order.pk}",
            # Not a marketing message, but not at night either: the recipient's morning.
            not_before=next_allowed_time(now=now, time_zone=_time_zone(to)),
        )
        survey.sent_at = now
        survey.save(update_fields=["sent_at"])
    return True


def _recipient(survey: FeedbackSurvey) -> User | Recipient:
    user = survey.user
    if user is not None and user.is_active and user.email:
        return user
    order = survey.order
    return Recipient(email=order.email, language=order.language)


def _time_zone(to: User | Recipient) -> str:
    return to.time_zone or settings.TIME_ZONE


def _first_name(survey: FeedbackSurvey) -> str:
    if survey.user is not None and survey.user.first_name:
        return survey.user.first_name
    full_name = str(survey.order.billing_address.get("full_name", "")).strip()
    return full_name.split()[0] if full_name else ""


def feedback_answer(
    *, survey: FeedbackSurvey, score: int, comment: str = "", extra_answer: str = ""
) -> FeedbackSurvey:
    """Record the customer's answer once; a score of 6 or lower opens a follow-up for staff in
    the same transaction. FeedbackRefused (nothing saved) for a bad score or a second answer."""
    if not isinstance(score, int) or not 0 <= score <= 10:
        raise FeedbackRefused(_("Choose a score from 0 to 10."))
    comment = comment.strip()
    if len(comment) > COMMENT_MAX or len(extra_answer.strip()) > COMMENT_MAX:
        raise FeedbackRefused(
            _("Please keep your answer under %(count)d characters.") % {"count": COMMENT_MAX}
        )
    with transaction.atomic():
        locked = (
            FeedbackSurvey.objects.select_for_update().select_related("order").get(pk=survey.pk)
        )
        if locked.answered_at is not None:
            raise FeedbackRefused(_("This survey has already been answered. Thank you!"))
        question = extra_question()
        locked.score = score
        locked.comment = comment
        locked.extra_question = question
        locked.extra_answer = extra_answer.strip() if question else ""
        locked.answered_at = timezone.now()
        locked.save(
            update_fields=["score", "comment", "extra_question", "extra_answer", "answered_at"]
        )
        if score <= DETRACTOR_MAX:
            feedback_follow_up_open(survey=locked)
    return locked


def feedback_follow_up_open(*, survey: FeedbackSurvey) -> None:
    """Ask staff to get back to an unhappy customer: a ticket on the complaint desk when it is
    installed (registered into crm's registry), else an interaction with the outcome
    "follow-up needed" on the customer (a guest by the order's email)."""
    order = survey.order
    with translation.override(settings.LANGUAGE_CODE):  # staff read the shop's language
        summary = _("Feedback score %(score)d/10 for order %(number)s.") % {
            "score": survey.score,
            "number": order.number,
        }
        if survey.comment:
            summary += " " + _("Comment: %(comment)s") % {"comment": survey.comment}
    open_ticket = follow_up_opener()
    if open_ticket is not None:
        open_ticket(
            FollowUp(
                customer=survey.user,
                email="" if survey.user_id else order.email,
                order_id=order.pk,
                summary=summary,
                language=order.language,
            )
        )
        return
    interaction_log(
        agent=None,
        channel=Interaction.Channel.EMAIL,
        direction=Interaction.Direction.INBOUND,
        summary=summary,
        outcome=Interaction.Outcome.FOLLOW_UP,
        customer=survey.user,
        contact_email="" if survey.user_id else order.email,
        order=order,
        subject=("feedback", survey.pk),
    )
