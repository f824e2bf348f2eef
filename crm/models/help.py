"""The help centre: staff-written articles in Turkish and English, grouped in categories.

Texts and slugs exist in both languages (crm.translation, as the catalog's); `search_text` is
the Turkish-folded title and body of both languages (shop.text.fold), the column every search
compares with the folded words. "Was this helpful?" counts one vote per visitor (HelpVote).
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["HelpArticle", "HelpCategory", "HelpVote"]


def _unique_slugs(model: str) -> list[models.UniqueConstraint]:
    """Slugs are unique within each language (an empty one is filled in when saved)."""
    return [
        models.UniqueConstraint(
            fields=[f"slug_{code}"],
            condition=~Q(**{f"slug_{code}": ""}),
            name=f"crm_help{model}_slug_{code}_unique",
        )
        for code in ("tr", "en")
    ]


class HelpCategory(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("slug"), max_length=140, blank=True, help_text=_("Leave empty to make it from the name.")
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    published = models.BooleanField(_("published"), default=True)
    # Complaint categories ("late_or_missing", ...) this category answers: its articles are
    # offered first on the complaint form for them (the keys come from a registry complaints
    # fills; crm never imports complaints).
    complaint_categories = models.JSONField(_("answers complaints about"), default=list, blank=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("help category")
        verbose_name_plural = _("help categories")
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["published", "position"], name="crm_helpcat_pub_idx")]
        constraints = _unique_slugs("category")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("crm:help_category", args=[self.slug])


class HelpArticle(models.Model):
    category = models.ForeignKey(
        HelpCategory, on_delete=models.PROTECT, related_name="articles", verbose_name=_("category")
    )
    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField(
        _("slug"), max_length=180, blank=True, help_text=_("Leave empty to make it from the title.")
    )
    body = models.TextField(
        _("text"), help_text=_("Plain text; an empty line starts a new paragraph.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    published = models.BooleanField(_("published"), default=False)
    # Folded title and text of both languages, written by crm.help.services on every save.
    search_text = models.TextField(editable=False, blank=True)
    # Weighted vector (titles A, texts B) over the same folded texts; PostgreSQL only.
    search_vector = SearchVectorField(null=True, editable=False)
    helpful_yes = models.PositiveIntegerField(_("helpful"), default=0, editable=False)
    helpful_no = models.PositiveIntegerField(_("not helpful"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("help article")
        verbose_name_plural = _("help articles")
        ordering = ["position", "pk"]
        indexes = [
            models.Index(fields=["published", "category", "position"], name="crm_helpart_pub_idx"),
        ]
        constraints = _unique_slugs("article")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("crm:help_article", args=[self.slug])


class HelpVote(models.Model):
    """One visitor's "was this helpful?" answer on one article (their session): a second
    click, or a double click, finds the row and counts nothing."""

    article = models.ForeignKey(HelpArticle, on_delete=models.CASCADE, related_name="votes")
    visitor = models.CharField(max_length=64)
    helpful = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("help vote")
        verbose_name_plural = _("help votes")
        constraints = [
            models.UniqueConstraint(fields=["article", "visitor"], name="crm_helpvote_once"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {'yes' if self.helpful else 'no'}"
