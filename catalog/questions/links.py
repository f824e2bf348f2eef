"""The links Q&A messages carry, each in the shopper's language."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from ..models import Product, ProductQuestion


def confirm_url(question: ProductQuestion) -> str:
    with translation.override(question.language or settings.LANGUAGE_CODE):
        path = reverse("catalog:question_confirm", args=[question.pk, question.token])
    return f"{settings.SITE_URL}{path}"


def product_url(*, product: Product, language: str) -> str:
    """The product page in the language, at its questions."""
    with translation.override(language or settings.LANGUAGE_CODE):
        path = product.get_absolute_url()
    return f"{settings.SITE_URL}{path}#questions"


def product_name(*, product: Product, language: str) -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        return str(product.name)
