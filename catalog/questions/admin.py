"""Staff screens for product questions and answers: moderation (its own permission) and the
shop's answer box on each question, through the questions' services."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models import (
    ANSWER_MAX_LENGTH,
    AnswerStatus,
    ProductAnswer,
    ProductQuestion,
    QuestionStatus,
)
from . import services as questions
from .exceptions import QuestionError


class QuestionAnswerForm(forms.ModelForm):
    """The question's page: its words stay the asker's; staff may add the shop's answer."""

    staff_answer = forms.CharField(
        label=_("The shop's answer"),
        required=False,
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Published at once, with the question; the asker is emailed."),
    )

    class Meta:
        model = ProductQuestion
        fields: list[str] = []


class AnswerInline(admin.TabularInline):
    model = ProductAnswer
    fields = ["body", "user", "by_staff", "status", "helpful_yes", "helpful_no", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: ProductQuestion | None = None) -> bool:
        return False


class ModerationAdmin(admin.ModelAdmin):
    """Publishing and rejecting Q&A: their own permission, through the services."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("catalog.moderate_productquestion")


@admin.register(ProductQuestion)
class ProductQuestionAdmin(ModerationAdmin):
    """Shoppers' questions: staff publish or reject them (never edit the words) and answer."""

    form = QuestionAnswerForm
    list_display = ["body", "product", "status", "email", "created_at"]
    list_filter = ["status"]
    search_fields = ["body", "email", "product__name_tr", "product__name_en"]
    list_select_related = ["product"]
    readonly_fields = [
        "product",
        "body",
        "status",
        "user",
        "email",
        "language",
        "created_at",
        "confirmed_at",
        "moderated_at",
    ]
    inlines = [AnswerInline]
    actions = ["publish", "reject"]

    def get_fields(self, request: HttpRequest, obj: ProductQuestion | None = None) -> list[str]:
        fields = list(self.readonly_fields)
        if obj is not None and request.user.has_perm("catalog.add_productanswer"):
            fields.append("staff_answer")
        return fields

    def save_model(self, request: HttpRequest, obj: ProductQuestion, form, change: bool) -> None:
        """Nothing of the question is edited; an answer written here goes through the service."""
        text = form.cleaned_data.get("staff_answer", "").strip()
        if not text or not request.user.has_perm("catalog.add_productanswer"):
            return
        try:
            questions.answer_post(question=obj, user=request.user, body=text, publish=True)
        except QuestionError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, _("Your answer is published with the question."))

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        return None  # the answers are read-only here; they change through their own actions

    @admin.action(permissions=["moderate"], description=_("Publish the selected questions"))
    def publish(self, request: HttpRequest, queryset) -> None:
        count = questions.questions_moderate(
            questions=queryset, status=QuestionStatus.APPROVED, staff=request.user
        )
        self.message_user(
            request,
            ngettext("%d question published.", "%d questions published.", count) % count,
        )

    @admin.action(permissions=["moderate"], description=_("Reject the selected questions"))
    def reject(self, request: HttpRequest, queryset) -> None:
        count = questions.questions_moderate(
            questions=queryset, status=QuestionStatus.REJECTED, staff=request.user
        )
        self.message_user(
            request, ngettext("%d question rejected.", "%d questions rejected.", count) % count
        )


@admin.register(ProductAnswer)
class ProductAnswerAdmin(ModerationAdmin):
    """Answers of staff and verified buyers: published or rejected here, never edited."""

    list_display = ["body", "question", "user", "by_staff", "status", "helpful_yes", "created_at"]
    list_filter = ["status", "by_staff"]
    search_fields = ["body", "question__body", "user__email"]
    list_select_related = ["question", "user"]
    readonly_fields = [
        "question",
        "body",
        "user",
        "by_staff",
        "status",
        "helpful_yes",
        "helpful_no",
        "created_at",
        "published_at",
    ]
    actions = ["publish", "reject"]

    def has_change_permission(self, request: HttpRequest, obj: ProductAnswer | None = None) -> bool:
        return False

    @admin.action(permissions=["moderate"], description=_("Publish the selected answers"))
    def publish(self, request: HttpRequest, queryset) -> None:
        count = questions.answers_moderate(
            answers=queryset, status=AnswerStatus.APPROVED, staff=request.user
        )
        self.message_user(
            request, ngettext("%d answer published.", "%d answers published.", count) % count
        )

    @admin.action(permissions=["moderate"], description=_("Reject the selected answers"))
    def reject(self, request: HttpRequest, queryset) -> None:
        count = questions.answers_moderate(
            answers=queryset, status=AnswerStatus.REJECTED, staff=request.user
        )
        self.message_user(
            request, ngettext("%d answer rejected.", "%d answers rejected.", count) % count
        )
