"""A few answered questions on demo lamps and coffee, for `make run`; idempotent by text."""

from django.db import transaction
from django.utils import timezone

from shop.models import User

from ..models import (
    AnswerStatus,
    Product,
    ProductAnswer,
    ProductQuestion,
    QuestionStatus,
)

# (category's English slug, question, the shop's answer, helpful votes)
DEMO_QUESTIONS = [
    (
        "lighting",
        "Bu lamba 15 inçlik bir dizüstü bilgisayarın yanında masaya sığar mı?",
        "Evet: ayağı 14 cm genişliğinde, kolu 40 cm uzanıyor; dizüstünün yanında rahatça durur.",
        7,
    ),
    (
        "lighting",
        "Ampulü değiştirilebiliyor mu, hangi duy kullanılıyor?",
        "E27 duy; 9 W'a kadar LED ampul takabilirsiniz. Kutudan bir ampul çıkıyor.",
        4,
    ),
    (
        "coffee",
        "Filtre kahve makinesine uygun öğütülmüş mü?",
        "Çekirdek olarak gönderiyoruz; siparişe not yazarsanız filtre için öğütüyoruz.",
        3,
    ),
]


@transaction.atomic
def seed_questions_demo() -> int:
    """Answered, published questions on the first products of a few categories; returns how
    many questions exist afterwards. Needs a member of staff to answer (the demo admin)."""
    staff = User.objects.filter(is_staff=True).order_by("pk").first()
    if staff is None:
        return ProductQuestion.objects.count()
    now = timezone.now()
    for slug, question_text, answer_text, votes in DEMO_QUESTIONS:
        product = (
            Product.objects.filter(category__slug_en=slug, status="active").order_by("pk").first()
        )
        if product is None or ProductQuestion.objects.filter(body=question_text).exists():
            continue
        question = ProductQuestion.objects.create(
            product=product,
            email="soru@example.com",
            language="tr",
            body=question_text,
            status=QuestionStatus.APPROVED,
            confirmed_at=now,
            moderated_at=now,
        )
        ProductAnswer.objects.create(
            question=question,
            user=staff,
            by_staff=True,
            body=answer_text,
            status=AnswerStatus.APPROVED,
            helpful_yes=votes,
            published_at=now,
        )
    return ProductQuestion.objects.count()
