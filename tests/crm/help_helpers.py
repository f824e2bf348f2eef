"""Help centre rows for tests, made through the services (slugs and folded search texts)."""

from crm.help.services import help_article_save, help_category_save
from crm.models import HelpArticle, HelpCategory


def help_category(
    name_tr: str = "İptal ve iade",
    name_en: str = "Cancelling and returns",
    *,
    topics: list[str] | None = None,
    published: bool = True,
    position: int = 0,
) -> HelpCategory:
    return help_category_save(
        category=HelpCategory(
            name_tr=name_tr,
            name_en=name_en,
            complaint_categories=topics or [],
            published=published,
            position=position,
        )
    )


def help_article(
    category: HelpCategory,
    title_tr: str = "İade ve cayma hakkı",
    title_en: str = "Returns and withdrawal",
    *,
    body_tr: str = "Ürünleri 14 gün içinde iade edebilirsiniz.",
    body_en: str = "You may return items within 14 days.",
    published: bool = True,
    position: int = 0,
    yes: int = 0,
    no: int = 0,
) -> HelpArticle:
    article = help_article_save(
        article=HelpArticle(
            category=category,
            title_tr=title_tr,
            title_en=title_en,
            body_tr=body_tr,
            body_en=body_en,
            published=published,
            position=position,
        )
    )
    if yes or no:
        HelpArticle.objects.filter(pk=article.pk).update(helpful_yes=yes, helpful_no=no)
        article.refresh_from_db()
    return article
