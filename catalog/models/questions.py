"""Shoppers' questions about a product and the answers of staff and verified buyers.

Nothing is public until staff approve it; a guest's question waits first for the click on the
link we email. Written by catalog.questions.services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .products import Product

QUESTION_MAX_LENGTH = 500
ANSWER_MAX_LENGTH = 2000


class QuestionStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Email not confirmed yet")
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Published")
    REJECTED = "rejected", _("Rejected")


class AnswerStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Published")
    REJECTED = "rejected", _("Rejected")


class ProductQuestion(models.Model):
    """A shopper's question on a product page: signed in, or a guest who confirmed an email."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="questions", verbose_name=_("product")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="product_questions",
        verbose_name=_("customer"),
    )
    # Where the asker is told of an answer: the account's address, or the guest's.
    email = models.EmailField(_("email"), max_length=254)
    language = models.CharField(_("language"), max_length=8, default="tr")
    body = models.TextField(_("question"), max_length=QUESTION_MAX_LENGTH)
    status = models.CharField(
        _("status"), max_length=12, choices=QuestionStatus, default=QuestionStatus.PENDING
    )
    # A guest's confirmation link carries it (compared in constant time); empty once confirmed.
    token = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("email confirmed"), null=True, blank=True)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)

    class Meta:
        verbose_name = _("product question")
        verbose_name_plural = _("product questions")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["product", "status"], name="catalog_question_shown"),
            models.Index(fields=["status", "created_at"], name="catalog_question_queue"),
            models.Index(
                fields=["created_at"],
                condition=Q(status="unconfirmed"),
                name="catalog_question_unconfirmed",
            ),
        ]
        permissions = [("moderate_productquestion", _("Can publish or reject product Q&A"))]

    def __str__(self) -> str:
        return self.body[:60]


class ProductAnswer(models.Model):
    """An answer to a question, by staff or by a customer who bought the product."""

    question = models.ForeignKey(
        ProductQuestion,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("question"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="product_answers",
        verbose_name=_("written by"),
    )
    by_staff = models.BooleanField(_("from the shop"), default=False)
    body = models.TextField(_("answer"), max_length=ANSWER_MAX_LENGTH)
    status = models.CharField(
        _("status"), max_length=10, choices=AnswerStatus, default=AnswerStatus.PENDING
    )
    # "Was this helpful?": counted by the vote service, one vote per visitor (AnswerVote).
    helpful_yes = models.PositiveIntegerField(_("helpful"), default=0, editable=False)
    helpful_no = models.PositiveIntegerField(_("not helpful"), default=0, editable=False)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("product answer")
        verbose_name_plural = _("product answers")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["question", "status"], name="catalog_answer_shown"),
            models.Index(fields=["status", "created_at"], name="catalog_answer_queue"),
        ]

    def __str__(self) -> str:
        return self.body[:60]


class AnswerVote(models.Model):
    """One visitor's "was this helpful?" on one answer: a signed-in customer by account, a
    visitor by a hash of their session (the session key itself is never stored)."""

    answer = models.ForeignKey(ProductAnswer, on_delete=models.CASCADE, related_name="votes")
    voter = models.CharField(max_length=80)
    helpful = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "voter"], name="catalog_answer_vote_once")
        ]

    def __str__(self) -> str:
        return f"{self.answer_id}: {'+' if self.helpful else '-'}"
