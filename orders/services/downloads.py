"""Digital delivery: download links issued once paid, limited, expiring; staff extend them."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from catalog.models import DigitalFile
from shop.models import User

from ..models import DownloadLink, Order
from ..states import OrderStatus
from .lifecycle import order_event_record, order_transition


def download_links_issue(*, order: Order, by: User | None = None) -> list[DownloadLink]:
    """Issue a link per digital file of each digital line not yet given one.

    A digital-only order that is confirmed becomes delivered with it (the one path from
    confirmed to delivered); otherwise the step is recorded. Either way the customer gets a
    message with the links.
    """
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status in (OrderStatus.CANCELLED, OrderStatus.PENDING_PAYMENT):
            return []
        lines = list(locked.lines.all())
        digital = [line for line in lines if line.is_digital]
        files = DigitalFile.objects.filter(product_id__in={line.product_id for line in digital})
        issued = set(
            DownloadLink.objects.filter(order_line__order=locked).values_list(
                "order_line_id", "file_id"
            )
        )
        expires_at = timezone.now() + timedelta(days=settings.DOWNLOAD_LINK_DAYS)
        created = DownloadLink.objects.bulk_create(
            DownloadLink(
                order_line=line,
                file=file,
                expires_at=expires_at,
                max_downloads=settings.DOWNLOAD_LINK_MAX_DOWNLOADS,
            )
            for line in digital
            for file in files
            if file.product_id == line.product_id and (line.pk, file.pk) not in issued
        )
        if not created:
            return []
        note = gettext_noop("Download links issued.")
        if locked.status == OrderStatus.CONFIRMED and len(digital) == len(lines):
            order_transition(
                order=locked, to=OrderStatus.DELIVERED, by=by, note=note, event_kind="downloads"
            )
        else:
            order_event_record(order=locked, kind="downloads", note=note, by=by)
    return created


def download_link_extend(*, link: DownloadLink, days: int | None = None) -> DownloadLink:
    """Staff give a link more time and its downloads back."""
    days = days or settings.DOWNLOAD_LINK_DAYS
    with transaction.atomic():
        locked = DownloadLink.objects.select_for_update().get(pk=link.pk)
        locked.expires_at = max(locked.expires_at, timezone.now()) + timedelta(days=days)
        locked.download_count = 0
        locked.revoked = False
        locked.save(update_fields=["expires_at", "download_count", "revoked"])
    return locked


def download_link_reissue(*, link: DownloadLink) -> DownloadLink:
    """Staff replace a link (e.g. it was shared): the old one stops working at once."""
    with transaction.atomic():
        locked = DownloadLink.objects.select_for_update().get(pk=link.pk)
        locked.revoked = True
        locked.save(update_fields=["revoked"])
        return DownloadLink.objects.create(
            order_line_id=locked.order_line_id,
            file_id=locked.file_id,
            expires_at=timezone.now() + timedelta(days=settings.DOWNLOAD_LINK_DAYS),
            max_downloads=settings.DOWNLOAD_LINK_MAX_DOWNLOADS,
        )


def download_claim(*, link_id: int, order: Order) -> DownloadLink | None:
    """Count one download if the link is still usable; None when expired, used up or revoked.

    One conditional UPDATE, so two clicks at once cannot both take the last download.
    """
    claimed = DownloadLink.objects.filter(
        pk=link_id,
        order_line__order=order,
        revoked=False,
        expires_at__gt=timezone.now(),
        download_count__lt=F("max_downloads"),
    ).update(download_count=F("download_count") + 1)
    if not claimed:
        return None
    return DownloadLink.objects.select_related("file").get(pk=link_id)
