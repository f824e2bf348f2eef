"""What the catalog keeps about searches: counts of those that found nothing."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchMiss(models.Model):
    """How often a search found nothing on a day: the folded words and a count, nothing else.

    Aggregates only (no user, session or IP), so staff see what shoppers look for and do not
    find without the shop keeping anything about who searched. Written by catalog.services.
    """

    query = models.CharField(_("search"), max_length=100)
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("searches"), default=0)

    class Meta:
        verbose_name = _("search without results")
        verbose_name_plural = _("searches without results")
        ordering = ["-count", "-day", "query"]
        constraints = [
            models.UniqueConstraint(fields=["query", "day"], name="catalog_search_miss_one_a_day")
        ]
        indexes = [
            models.Index(fields=["-count", "-day"], name="catalog_search_miss_count"),
            models.Index(fields=["day", "-count"], name="catalog_search_miss_day"),
        ]

    def __str__(self) -> str:
        return f"{self.query} ({self.day}: {self.count})"
