"""Registers the feedback journey: its message kind, the journey, the 360 panel and timeline,
and the receiver that opens a survey when an order is delivered."""

from collections.abc import Iterable, Mapping

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm.notifications.kinds import EditableText, MessageKind, register_kind
from crm.notifications.models import Category, Channel
from crm.registry import (
    Panel,
    Rows,
    TimelineItem,
    TimelineSource,
    register_panel,
    register_timeline_source,
)
from orders.signals import order_status_changed
from orders.states import OrderStatus
from shop.models import User

from ..registry import Journey, register_journey
from . import selectors
from .services import feedback_survey_open

PANEL_TEMPLATE = "admin/crm/customer360/feedback.html"


def register_feedback() -> None:
    register_kind(
        MessageKind(
            "feedback_request",
            # About the customer's own order, with no offer in it: transactional (no marketing
            # consent needed), and outside the weekly marketing cap either way.
            Category.TRANSACTIONAL,
            (Channel.EMAIL,),
            {
                "first_name": "Ayşe",
                "order_number": "DK-2027-00042",
                "action_url": "https://example.com/feedback/sample/",
                "action_label": "Anketi yanıtla",
            },
            counts_toward_cap=False,
            text=EditableText(
                subject=_("How was your order {order_number}?"),
                body=_(
                    "Hello {first_name},\n\n"
                    "Your order {order_number} reached you a few days ago. How did it go? "
                    "Tell us in one minute: how likely are you to recommend {site_name} to a "
                    "friend, from 0 to 10? No sign-in needed, just the button below.\n\n"
                    "Thank you,\n{site_name}"
                ),
                placeholders=("first_name", "order_number", "site_name"),
            ),
        )
    )
    register_journey(
        Journey(
            name="feedback",
            title=_("Feedback after delivery"),
            description=_(
                "A few days after an order is delivered, one short survey (0–10 and a comment) "
                "by a link that needs no sign-in; a low score asks staff to follow up."
            ),
            kinds=("feedback_request",),
            job="journey-feedback",
        )
    )
    register_panel(
        Panel(
            "feedback",
            _("Feedback"),
            selectors.answers_of,
            PANEL_TEMPLATE,
            68,
            more_url=lambda user: (
                reverse("admin:crm_feedbacksurvey_changelist") + f"?user__id__exact={user.pk}"
            ),
        )
    )
    register_timeline_source(TimelineSource("feedback", _feedback_items))


def _feedback_items(user: User, limit: int, loaded: Mapping[str, Rows]) -> Iterable[TimelineItem]:
    for survey in loaded.get("feedback", ()):
        yield TimelineItem(
            at=survey.answered_at,
            kind="feedback",
            title=gettext("Feedback: %(score)d/10 for order %(number)s")
            % {"score": survey.score, "number": survey.order.number},
            detail=survey.comment[:120],
            url=reverse("admin:crm_feedbacksurvey_change", args=[survey.pk]),
        )


@receiver(order_status_changed, dispatch_uid="crm.feedback_survey_on_delivery")
def _open_survey_on_delivery(order: object, previous: str, **kwargs: object) -> None:
    if order.status == OrderStatus.DELIVERED:
        feedback_survey_open(order=order)
