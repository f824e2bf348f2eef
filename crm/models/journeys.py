"""The journeys' own tables: each sweep's run (what it looked at, what it queued)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JourneyRun(models.Model):
    """One run of a journey's sweep, so staff see that the birthday job ran this morning."""

    journey = models.CharField(_("journey"), max_length=40)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    examined = models.PositiveIntegerField(_("looked at"), default=0)
    queued = models.PositiveIntegerField(_("messages queued"), default=0)
    error = models.CharField(_("error"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("journey run")
        verbose_name_plural = _("journeys")  # the admin index links the overview
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["journey", "-started_at"], name="crm_journeyrun_idx")]
        permissions = [
            ("manage_journeys", _("Can switch journeys on and off and edit their texts")),
        ]

    def __str__(self) -> str:
        return f"{self.journey} {self.started_at:%Y-%m-%d %H:%M}"
