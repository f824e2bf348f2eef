"""Private storage for digital products: no URL at all, delivered only through a view.

On one machine the files live outside MEDIA_ROOT; with PRIVATE_MEDIA_S3_BUCKET set they live in
a private bucket of the S3-compatible store, so every web server sees them.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from storages.backends.s3 import S3Storage


class PrivateStorage(FileSystemStorage):
    def __init__(self) -> None:
        super().__init__(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)

    def url(self, name: str | None) -> str:
        raise NotImplementedError("Private files have no public URL; deliver them through a view.")


class PrivateS3Storage(S3Storage):
    def __init__(self) -> None:
        super().__init__(
            **settings.MEDIA_S3_OPTIONS,
            bucket_name=settings.PRIVATE_MEDIA_S3_BUCKET,
            default_acl="private",
            querystring_auth=True,
        )

    def url(self, name: str | None, *args: object, **kwargs: object) -> str:
        raise NotImplementedError("Private files have no public URL; deliver them through a view.")


def private_storage() -> Storage:
    if settings.PRIVATE_MEDIA_S3_BUCKET:
        return PrivateS3Storage()
    return PrivateStorage()
