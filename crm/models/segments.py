"""Saved customer segments: a name and rules (crm.segments.rules) counted over the rollups."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Segment(models.Model):
    """A named group of accounts described by rules, never a stored list of people: members are
    whoever matches the rules at the moment they are counted or messaged."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    # {"match": "all"|"any", "rules": [{"field": ..., ...}, {"match": ..., "rules": [...]}]}
    # checked and normalised by crm.segments.rules.rules_clean before it is saved.
    rules = models.JSONField(_("rules"), default=dict)
    member_count = models.PositiveIntegerField(_("members when last counted"), null=True)
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name"]
        permissions = [("manage_segments", _("Can build and save customer segments"))]

    def __str__(self) -> str:
        return self.name
