"""Q&A reads: what a product page shows (one query), what a buyer may answer."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, FilteredRelation, OuterRef, Q

from ..models import AnswerStatus, Product, ProductAnswer, ProductQuestion, QuestionStatus


@dataclass(frozen=True)
class ShownAnswer:
    pk: int
    body: str
    by_staff: bool
    author_name: str  # a buyer's first name ("" when they gave none)
    helpful_yes: int
    helpful_no: int
    published_at: datetime | None


@dataclass
class PublishedQuestion:
    """A published question with its published answers, the shop's first, then most helpful."""

    pk: int
    body: str
    asked_at: datetime
    answers: list[ShownAnswer] = field(default_factory=list)


@dataclass
class ProductQuestions:
    """The product page's Q&A: the answered questions, and whether any published question still
    waits for an answer (then buyers are offered them, in a visitor part)."""

    answered: list[PublishedQuestion]
    any_open: bool

    def __bool__(self) -> bool:
        return bool(self.answered)

    def __iter__(self) -> Iterator[PublishedQuestion]:
        return iter(self.answered)


def published_questions(*, product: Product, limit: int = 20) -> ProductQuestions:
    """The product's published questions, newest first, with their published answers: one query
    (the answers joined on their questions, only the columns shown)."""
    rows = (
        ProductQuestion.objects.filter(product=product, status=QuestionStatus.APPROVED)
        .annotate(shown=FilteredRelation("answers", condition=Q(answers__status="approved")))
        .order_by("-created_at", "-pk", "-shown__by_staff", "-shown__helpful_yes", "shown__pk")
        .values_list(
            "pk",
            "body",
            "created_at",
            "shown__pk",
            "shown__body",
            "shown__by_staff",
            "shown__user__first_name",
            "shown__helpful_yes",
            "shown__helpful_no",
            "shown__published_at",
        )[: limit * 10]
    )
    questions: dict[int, PublishedQuestion] = {}
    any_open = False
    for pk, body, asked_at, answer_pk, *answer in rows:
        if answer_pk is None:
            any_open = True
            continue
        question = questions.get(pk)
        if question is None:
            if len(questions) == limit:
                continue
            question = questions[pk] = PublishedQuestion(pk=pk, body=body, asked_at=asked_at)
        text, by_staff, first_name, yes, no, published_at = answer
        question.answers.append(
            ShownAnswer(answer_pk, text, by_staff, first_name or "", yes, no, published_at)
        )
    return ProductQuestions(list(questions.values()), any_open)


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
