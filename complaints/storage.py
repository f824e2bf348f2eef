"""Where a ticket's attachments live: a private place with no URL at all (never MEDIA_ROOT or
MEDIA_URL). They reach a reader only through the desk's views, which check who is asking.

On one machine: COMPLAINTS_ATTACHMENTS_ROOT (under the var dir, beside the digital products);
with PRIVATE_MEDIA_S3_BUCKET set: that private bucket, under "complaints/"."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage

from catalog.storage import PrivateS3Storage


class AttachmentStorage(FileSystemStorage):
    """A folder read from the setting each time (so a test or a deploy may move it)."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:  # type: ignore[override]
        return str(settings.COMPLAINTS_ATTACHMENTS_ROOT)

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise NotImplementedError("Attachments have no public URL; serve them through a view.")


class AttachmentS3Storage(PrivateS3Storage):
    def __init__(self) -> None:
        super().__init__()
        self.location = "complaints"


def attachment_storage() -> Storage:
    if settings.PRIVATE_MEDIA_S3_BUCKET:
        return AttachmentS3Storage()
    return AttachmentStorage()
