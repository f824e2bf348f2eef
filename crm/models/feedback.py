"""The feedback journey's table: one short survey per delivered order, and its answer."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["FeedbackSurvey", "new_survey_token"]


def new_survey_token() -> str:
    return secrets.token_urlsafe(18)


class FeedbackSurvey(models.Model):
    """Made when an order is delivered; sent N days later; answered through a signed link.

    A guest's order gets one too (by the order's email): `user` is then empty."""

    order = models.OneToOneField(
        "orders.Order", on_delete=models.CASCADE, related_name="feedback", verbose_name=_("order")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    token = models.CharField(max_length=32, unique=True, default=new_survey_token, editable=False)
    delivered_at = models.DateTimeField(_("delivered at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(
        _("score (0–10)"), null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    comment = models.TextField(_("comment"), blank=True)
    # The extra question as it was asked (the setting may change later), and its answer.
    extra_question = models.CharField(_("extra question"), max_length=200, blank=True)
    extra_answer = models.TextField(_("answer to the extra question"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback survey")
        verbose_name_plural = _("feedback surveys")
        ordering = ["-delivered_at"]
        indexes = [
            # The sweep: surveys not yet sent, by when the order arrived.
            models.Index(
                fields=["delivered_at"], name="crm_feedback_due_idx", condition=Q(sent_at=None)
            ),
            # The report: surveys sent in a date range.
            models.Index(
                fields=["sent_at"], name="crm_feedback_sent_idx", condition=~Q(sent_at=None)
            ),
            # The 360: a customer's answers, newest first.
            models.Index(
                fields=["user", "-answered_at"],
                name="crm_feedback_user_idx",
                condition=~Q(answered_at=None),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=10), name="crm_feedback_score_0_10"
            ),
        ]
        permissions = [
            ("view_feedback_report", _("Can see the feedback report (NPS)")),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.score if self.score is not None else '—'}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    @property
    def promoter(self) -> bool:
        return self.score is not None and self.score >= 9

    @property
    def detractor(self) -> bool:
        return self.score is not None and self.score <= 6
