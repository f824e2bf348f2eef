"""Q&A writes: a question asked (a guest's waits for the emailed link), an answer from staff or
a verified buyer, staff moderation, "was this helpful?" votes. Whatever changes what a product
page shows bumps that page's version (on commit too: shop.pagecache.bump)."""

import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from crm.notifications.services import Recipient, notification_send
from shop import pagecache
from shop.audit import audit_record
from shop.models import User

from .. import purchases
from ..models import (
    ANSWER_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    AnswerStatus,
    AnswerVote,
    Product,
    ProductAnswer,
    ProductQuestion,
    ProductStatus,
    QuestionStatus,
)
from ..services import product_page_versions
from . import links
from .exceptions import QuestionError, QuestionLinkInvalid


def clean_text(text: str, *, limit: int, empty: str, too_long: str) -> str:
    """The text as it will be stored (trimmed); QuestionError when empty or too long (the
    messages are the forms' own)."""
    text = (text or "").strip()
    if not text:
        raise QuestionError(empty)
    if len(text) > limit:
        raise QuestionError(too_long % {"limit_value": limit, "show_value": len(text)})
    return text


def _bump_pages(product_ids: Iterable[int]) -> None:
    """The product pages showing Q&A of these products change now (and again on commit)."""
    products = Product.objects.filter(pk__in=set(product_ids)).only("slug_tr", "slug_en")
    pagecache.bump(*(name for product in products for name in product_page_versions(product)))


def _confirm_expired_before() -> timezone.datetime:
    return timezone.now() - timedelta(days=settings.CATALOG_QUESTION_CONFIRM_DAYS)


def question_ask(
    *, product: Product, user: User | None, email: str, body: str, language: str
) -> ProductQuestion:
    """Take a shopper's question: a signed-in customer's waits for staff at once; a guest's
    waits first for the click on the link we email to the address given."""
    body = clean_text(
        body,
        limit=QUESTION_MAX_LENGTH,
        empty=_("Please write your question."),
        too_long=_(
            "Please keep your question to %(limit_value)d characters (it has %(show_value)d)."
        ),
    )
    if product.status != ProductStatus.ACTIVE:
        raise QuestionError(_("We could not find this product."), status=404)
    email = (user.email if user is not None else email or "").strip().lower()
    if not email:
        raise QuestionError(
            _("Enter your email address: we write to it once your question is answered.")
        )
    now = timezone.now()
    with transaction.atomic():
        question = ProductQuestion.objects.create(
            product=product,
            user=user,
            email=email,
            language=(user.language if user is not None and user.language else language),
            body=body,
            status=QuestionStatus.PENDING if user is not None else QuestionStatus.UNCONFIRMED,
            token="" if user is not None else secrets.token_urlsafe(32),
            created_at=now,
            confirmed_at=now if user is not None else None,
        )
        if user is None:
            _send_confirmation(question, product)
    return question


def _send_confirmation(question: ProductQuestion, product: Product) -> None:
    language = question.language
    with translation.override(language):
        label = _("Yes, send my question")
    notification_send(
        to=Recipient(email=question.email, language=language),
        kind="product_question_confirm",
        context={
            "product": links.product_name(product=product, language=language),
            "question": question.body,
            "action_url": links.confirm_url(question),
            "action_label": label,
        },
        subject=("product_question", question.pk),
        dedupe_key=f"product-question-confirm:{question.pk}",
    )


def question_find_unconfirmed(*, question_id: int, token: str) -> ProductQuestion:
    """The question a guest's link names; QuestionLinkInvalid for a wrong or used token or a
    link past its days."""
    question = ProductQuestion.objects.select_related("product").filter(pk=question_id).first()
    if (
        question is None
        or not question.token
        or not constant_time_compare(question.token, token)
        or (question.confirmed_at is None and question.created_at < _confirm_expired_before())
    ):
        raise QuestionLinkInvalid(_("This link is not valid or has expired."))
    return question


def question_confirm(*, question_id: int, token: str) -> ProductQuestion:
    """The guest clicked the link: the question now waits for staff. The token is spent."""
    with transaction.atomic():
        question = question_find_unconfirmed(question_id=question_id, token=token)
        ProductQuestion.objects.filter(pk=question.pk, status=QuestionStatus.UNCONFIRMED).update(
            status=QuestionStatus.PENDING, confirmed_at=timezone.now(), token=""
        )
    question.refresh_from_db()
    return question


def may_answer(*, user: User | None, product_id: int) -> bool:
    """Staff who may write answers, and customers who bought the product."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff and user.has_perm("catalog.add_productanswer"):
        return True
    return purchases.customer_bought(user_id=user.pk, product_id=product_id)


def answer_post(
    *, question: ProductQuestion, user: User, body: str, publish: bool = False
) -> ProductAnswer:
    """A verified buyer's or staff's answer; it waits for staff unless staff write it and
    `publish` (the admin's answer box), which publishes the question with it."""
    body = clean_text(
        body,
        limit=ANSWER_MAX_LENGTH,
        empty=_("Please write your answer."),
        too_long=_(
            "Please keep your answer to %(limit_value)d characters (it has %(show_value)d)."
        ),
    )
    by_staff = user.is_staff and user.has_perm("catalog.add_productanswer")
    if not by_staff and not purchases.customer_bought(
        user_id=user.pk, product_id=question.product_id
    ):
        raise QuestionError(
            _("Only customers who bought this product can answer questions about it."),
            status=403,
        )
    if not by_staff and question.status != QuestionStatus.APPROVED:
        raise QuestionError(_("We could not find this question."), status=404)
    publish = publish and by_staff
    with transaction.atomic():
        answer = ProductAnswer.objects.create(
            question=question,
            user=user,
            by_staff=by_staff,
            body=body,
            status=AnswerStatus.APPROVED if publish else AnswerStatus.PENDING,
            published_at=timezone.now() if publish else None,
        )
        if publish:
            audit_record(actor=user, action="product_answer.publish", target=answer)
            if question.status != QuestionStatus.APPROVED:
                _set_question_status([question.pk], QuestionStatus.APPROVED, staff=user)
            _tell_askers([question.pk])
            _bump_pages([question.product_id])
    return answer


def _set_question_status(pks: list[int], status: str, *, staff: User | None) -> None:
    ProductQuestion.objects.filter(pk__in=pks).update(status=status, moderated_at=timezone.now())
    for pk in pks:
        audit_record(
            actor=staff, action=f"product_question.{status}", target=("product_question", pk)
        )


def questions_moderate(
    *, questions: QuerySet[ProductQuestion], status: str, staff: User | None
) -> int:
    """Staff publish or reject questions (a guest's unconfirmed one is never published); the
    product pages follow at once, and askers whose answers were waiting are told."""
    status = QuestionStatus(status)
    with transaction.atomic():
        rows = questions.exclude(status=status).select_for_update()
        if status == QuestionStatus.APPROVED:
            rows = rows.exclude(status=QuestionStatus.UNCONFIRMED)
        changed = list(rows.values_list("pk", "product_id"))
        pks = [pk for pk, _product in changed]
        _set_question_status(pks, status, staff=staff)
        if status == QuestionStatus.APPROVED:
            _tell_askers(pks)
        _bump_pages(product_id for _pk, product_id in changed)
    return len(changed)


def answers_moderate(*, answers: QuerySet[ProductAnswer], status: str, staff: User | None) -> int:
    """Staff publish or reject answers; the pages follow at once and the asker of a published
    question is told of each newly published answer (once per answer)."""
    status = AnswerStatus(status)
    with transaction.atomic():
        changed = list(
            answers.exclude(status=status)
            .select_for_update()
            .values_list("pk", "question_id", "question__product_id")
        )
        pks = [pk for pk, _question, _product in changed]
        published_at = timezone.now() if status == AnswerStatus.APPROVED else None
        ProductAnswer.objects.filter(pk__in=pks).update(status=status, published_at=published_at)
        for pk in pks:
            audit_record(
                actor=staff, action=f"product_answer.{status}", target=("product_answer", pk)
            )
        if status == AnswerStatus.APPROVED:
            _tell_askers({question for _pk, question, _product in changed})
        _bump_pages(product for _pk, _question, product in changed)
    return len(changed)


def _tell_askers(question_ids: Iterable[int]) -> None:
    """Tell the asker of each published question about its published answers, once per answer
    (the outbox's key), never about an answer they wrote themselves."""
    answers = (
        ProductAnswer.objects.filter(
            question_id__in=list(question_ids),
            question__status=QuestionStatus.APPROVED,
            status=AnswerStatus.APPROVED,
        )
        .select_related("question__product", "question__user")
        .order_by("pk")
    )
    for answer in answers:
        question = answer.question
        if answer.user_id == question.user_id and question.user_id is not None:
            continue
        asker = question.user
        to = (
            asker
            if asker is not None
            else Recipient(email=question.email, language=question.language)
        )
        language = to.language or settings.LANGUAGE_CODE
        with translation.override(language):
            label = _("See the answer")
        notification_send(
            to=to,
            kind="product_question_answered",
            context={
                "first_name": asker.first_name if asker is not None else "",
                "product": links.product_name(product=question.product, language=language),
                "question": question.body,
                "answer": answer.body,
                "action_url": links.product_url(product=question.product, language=language),
                "action_label": label,
            },
            subject=("product_question", question.pk),
            dedupe_key=f"product-answer-published:{answer.pk}",
        )


def answer_vote(*, product_id: int, answer_id: int, voter: str, helpful: bool) -> bool:
    """One visitor's "was this helpful?" on a published answer: counted once; False when they
    had voted on it already. QuestionError (404) for an answer that is not published."""
    published = ProductAnswer.objects.filter(
        pk=answer_id,
        status=AnswerStatus.APPROVED,
        question__status=QuestionStatus.APPROVED,
        question__product_id=product_id,
    ).exists()
    if not published:
        raise QuestionError(_("We could not find this answer."), status=404)
    with transaction.atomic():
        try:
            with transaction.atomic():
                AnswerVote.objects.create(answer_id=answer_id, voter=voter, helpful=helpful)
        except IntegrityError:  # one vote per visitor per answer
            return False
        counter = "helpful_yes" if helpful else "helpful_no"
        ProductAnswer.objects.filter(pk=answer_id).update(**{counter: F(counter) + 1})
        _bump_pages([product_id])
    return True


def questions_expire_unconfirmed() -> int:
    """Forget guests' questions never confirmed within their days (the address goes with them)."""
    with transaction.atomic():
        deleted, _per_model = ProductQuestion.objects.filter(
            status=QuestionStatus.UNCONFIRMED, created_at__lt=_confirm_expired_before()
        ).delete()
    return deleted


def questions_remove_of(*, user_id: int) -> int:
    """Delete every question and answer a customer wrote (their account is being erased); the
    pages that showed them follow at once."""
    with transaction.atomic():
        questions = ProductQuestion.objects.filter(user_id=user_id)
        answers = ProductAnswer.objects.filter(user_id=user_id)
        product_ids = {
            *questions.values_list("product_id", flat=True),
            *answers.values_list("question__product_id", flat=True),
        }
        removed = answers.delete()[0] + questions.delete()[0]
        _bump_pages(product_ids)
    return removed
