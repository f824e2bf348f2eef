"""The feedback journey's reads: a survey by its link, the extra question, review drafts and
a customer's answers (the 360)."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language

from catalog.selectors import active_products
from crm.models import FeedbackSurvey
from orders.models import OrderLine
from shop.models import User

from .links import survey_token_read


def survey_by_link(signed: str) -> FeedbackSurvey | None:
    """The survey a signed link names, or None (altered link, unknown survey); one query at
    most, none for an altered link."""
    token = survey_token_read(signed)
    if token is None:
        return None
    return FeedbackSurvey.objects.select_related("order").filter(token=token).first()


def extra_question(language: str | None = None) -> str:
    """The configured extra question in `language` (the active one), else in another shop
    language; "" when none is configured (not asked)."""
    questions = settings.JOURNEY_FEEDBACK_EXTRA_QUESTION
    language = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if questions.get(language):
        return questions[language]
    return next((text for text in questions.values() if text), "")


@dataclass(frozen=True)
class ReviewDraft:
    product_name: str
    url: str


def review_drafts(*, survey: FeedbackSurvey) -> list[ReviewDraft]:
    """For an answer with a comment on a customer's order: one link per product of the order
    to its review form, prefilled with the comment (nothing is published until the customer
    sends the form). One query."""
    if not survey.comment or survey.user_id is None:
        return []
    product_ids = OrderLine.objects.filter(order_id=survey.order_id).values("product_id")
    products = active_products().filter(pk__in=product_ids).order_by("pk")
    query = urlencode({"draft": survey.comment})
    return [
        ReviewDraft(
            product_name=product.name,
            url=f"{reverse('catalog:review', args=[product.slug])}?{query}",
        )
        for product in products
    ]


def answers_of(user: User, limit: int) -> list[FeedbackSurvey]:
    """A customer's latest answered surveys with the order's number (one query): the 360."""
    return list(
        FeedbackSurvey.objects.filter(user_id=user.pk, answered_at__isnull=False)
        .select_related("order")
        .only(
            "score",
            "comment",
            "extra_question",
            "extra_answer",
            "answered_at",
            "order_id",
            "order__number",
        )
        .order_by("-answered_at")[:limit]
    )
