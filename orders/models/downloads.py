"""Download links for digital lines: expiring, limited, delivered only through a view."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DownloadLink(models.Model):
    order_line = models.ForeignKey(
        "orders.OrderLine", on_delete=models.CASCADE, related_name="download_links"
    )
    file = models.ForeignKey("catalog.DigitalFile", on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField(_("expires at"))
    max_downloads = models.PositiveSmallIntegerField(_("downloads allowed"))
    download_count = models.PositiveSmallIntegerField(_("downloads"), default=0)
    revoked = models.BooleanField(_("revoked"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("download link")
        verbose_name_plural = _("download links")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.file} ({self.download_count}/{self.max_downloads})"

    def usable(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            not self.revoked and self.expires_at > now and self.download_count < self.max_downloads
        )
