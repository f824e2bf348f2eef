"""Help centre (Admin › CRM › Help categories / Help articles): staff write articles in
Turkish and English; saving goes through crm.help.services (slugs, folded search texts) and
changes the cached help pages at once. Votes are counted, never edited."""

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from ..help.registry import complaint_topic_choices
from ..help.services import help_article_save, help_category_save
from ..models import HelpArticle, HelpCategory


class HelpCategoryForm(forms.ModelForm):
    complaint_categories = forms.MultipleChoiceField(
        label=_("Answers complaints about"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Its articles are offered first on the complaint form for these."),
    )

    class Meta:
        model = HelpCategory
        fields = [
            *(
                f"{field}_{code}"
                for field in ("name", "slug", "description")
                for code in ("tr", "en")
            ),
            "position",
            "published",
            "complaint_categories",
        ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["complaint_categories"].choices = complaint_topic_choices()


@admin.register(HelpCategory)
class HelpCategoryAdmin(TranslationAdmin):
    form = HelpCategoryForm
    list_display = ["name", "slug", "position", "published"]
    list_editable = ["position"]
    search_fields = ["name_tr", "name_en"]

    def save_model(self, request: HttpRequest, obj: HelpCategory, form, change: bool) -> None:
        help_category_save(category=obj)


@admin.register(HelpArticle)
class HelpArticleAdmin(TranslationAdmin):
    list_display = ["title", "category", "position", "published", "helpful_yes", "helpful_no"]
    list_filter = ["published", "category"]
    list_select_related = ["category"]
    search_fields = ["title_tr", "title_en", "search_text"]
    readonly_fields = ["helpful_yes", "helpful_no", "updated_at"]
    actions = ["publish", "unpublish"]

    def save_model(self, request: HttpRequest, obj: HelpArticle, form, change: bool) -> None:
        help_article_save(article=obj)

    @admin.action(description=_("Publish the chosen articles"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset) -> None:
        for article in queryset:
            article.published = True
            help_article_save(article=article)

    @admin.action(description=_("Unpublish the chosen articles"), permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset) -> None:
        for article in queryset:
            article.published = False
            help_article_save(article=article)
