"""Texts in Turkish and English: modeltranslation adds <field>_tr and <field>_en columns."""

from modeltranslation.translator import TranslationOptions, register

from .models import HelpArticle, HelpCategory


@register(HelpCategory)
class HelpCategoryTranslation(TranslationOptions):
    fields = ("name", "slug", "description")


@register(HelpArticle)
class HelpArticleTranslation(TranslationOptions):
    fields = ("title", "slug", "body")
