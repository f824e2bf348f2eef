"""Catalog tables, one module per subject; `from catalog.models import X` works for all of them.

taxonomy: the category tree, product types and attributes; products: products, variants, stock,
prices, images and files; reviews; questions: product questions and answers; search: misses.
"""

from .products import (
    DigitalFile,
    PriceHistory,
    Product,
    ProductImage,
    ProductKind,
    ProductStatus,
    SlugRedirect,
    StockMovement,
    Variant,
    VatRate,
)
from .questions import (
    ANSWER_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    AnswerStatus,
    AnswerVote,
    ProductAnswer,
    ProductQuestion,
    QuestionStatus,
)
from .reviews import Review, ReviewStatus
from .search import SearchMiss
from .taxonomy import Attribute, AttributeValue, Category, ProductType, unique_slug_per_language

__all__ = [
    "ANSWER_MAX_LENGTH",
    "QUESTION_MAX_LENGTH",
    "AnswerStatus",
    "AnswerVote",
    "Attribute",
    "AttributeValue",
    "Category",
    "DigitalFile",
    "PriceHistory",
    "Product",
    "ProductAnswer",
    "ProductImage",
    "ProductKind",
    "ProductQuestion",
    "ProductStatus",
    "ProductType",
    "QuestionStatus",
    "Review",
    "ReviewStatus",
    "SearchMiss",
    "SlugRedirect",
    "StockMovement",
    "Variant",
    "VatRate",
    "unique_slug_per_language",
]
