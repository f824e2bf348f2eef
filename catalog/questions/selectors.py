"""Q&A reads: what a product page shows (one query), what a staff screen lists."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef

from ..models import AnswerStatus, Product, ProductAnswer, ProductQuestion, QuestionStatus


@dataclass
class PublishedQuestion:
    """A published question with its published answers, shop's first, then the most helpful."""

    pk: int
    body: str
    asked_at: datetime
    answers: list[ProductAnswer] = field(default_factory=list)


def published_questions(*, product: Product, limit: int = 20) -> list[PublishedQuestion]:
    """The product's published questions that have a published answer, newest first, each with
    its answers: one query over the answers joined to their questions, only the columns shown."""
    answers = (
        ProductAnswer.objects.filter(
            question__product=product,
            question__status=QuestionStatus.APPROVED,
            status=AnswerStatus.APPROVED,
        )
        .select_related("question", "user")
        .only(
            "body",
            "by_staff",
            "helpful_yes",
            "helpful_no",
            "published_at",
            "question__body",
            "question__created_at",
            "user__first_name",
        )
        .order_by("-question__created_at", "-question_id", "-by_staff", "-helpful_yes", "pk")[
            : limit * 10
        ]
    )
    questions: dict[int, PublishedQuestion] = {}
    for answer in answers:
        question = questions.get(answer.question_id)
        if question is None:
            if len(questions) == limit:
                continue
            question = questions[answer.question_id] = PublishedQuestion(
                pk=answer.question_id,
                body=answer.question.body,
                asked_at=answer.question.created_at,
            )
        question.answers.append(answer)
    return list(questions.values())


def open_questions(*, product_id: int, limit: int = 10) -> list[ProductQuestion]:
    """Published questions of a product still without a published answer, oldest first (shown
    only to those who may answer them)."""
    answered = ProductAnswer.objects.filter(question=OuterRef("pk"), status=AnswerStatus.APPROVED)
    return list(
        ProductQuestion.objects.filter(product_id=product_id, status=QuestionStatus.APPROVED)
        .exclude(Exists(answered))
        .only("body", "created_at")
        .order_by("created_at", "pk")[:limit]
    )
