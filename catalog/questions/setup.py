"""Registers Q&A's message kinds, the answer form's visitor part and the signals that drop a
product page when published Q&A is deleted (called from CatalogConfig.ready())."""

from django.db import transaction
from django.db.models.signals import post_delete

from crm.notifications.kinds import MessageKind, register_kind
from crm.notifications.models import Category, Channel
from shop import pagecache

from ..models import AnswerStatus, ProductAnswer, ProductQuestion, QuestionStatus

SAMPLE = {
    "first_name": "Ayşe",
    "product": "Masa Lambası",
    "question": "15 inçlik bir dizüstü bilgisayarı aydınlatır mı?",
    "answer": "Evet, ışığı 40 cm genişliğinde bir alanı aydınlatır.",
    "action_url": "https://example.com/p/masa-lambasi/#questions",
    "action_label": "Yanıtı görün",
}


def _published_deleted(
    sender: type, instance: ProductQuestion | ProductAnswer, **kwargs: object
) -> None:
    """A published question or answer deleted (by staff, or with its author's account) leaves
    its product's pages once the deletion commits."""
    if instance.status not in (QuestionStatus.APPROVED, AnswerStatus.APPROVED):
        return
    from ..models import Product
    from ..services import product_page_versions

    if isinstance(instance, ProductQuestion):
        product_id = instance.product_id
    else:
        product_id = (
            ProductQuestion.objects.filter(pk=instance.question_id)
            .values_list("product_id", flat=True)
            .first()
        )

    def bump() -> None:
        product = Product.objects.filter(pk=product_id).only("slug_tr", "slug_en").first()
        if product is not None:
            pagecache.bump(*product_page_versions(product))

    transaction.on_commit(bump, robust=True)


def register() -> None:
    register_kind(
        MessageKind(
            "product_question_confirm",
            Category.TRANSACTIONAL,
            (Channel.EMAIL,),
            SAMPLE | {"action_label": "Evet, sorum gönderilsin"},
        )
    )
    register_kind(
        MessageKind("product_question_answered", Category.TRANSACTIONAL, (Channel.EMAIL,), SAMPLE)
    )
    from .views import answer_form_part, open_questions_part

    pagecache.register_visitor_part("qa_answer_form", answer_form_part, takes_arguments=True)
    pagecache.register_visitor_part("qa_open_questions", open_questions_part, takes_arguments=True)
    for model in (ProductQuestion, ProductAnswer):
        post_delete.connect(
            _published_deleted, sender=model, dispatch_uid=f"pages-d{model.__name__}"
        )
