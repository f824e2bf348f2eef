"""Private storage for digital products: outside MEDIA_ROOT, with no URL at all."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    def __init__(self) -> None:
        super().__init__(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)

    def url(self, name: str | None) -> str:
        raise NotImplementedError("Private files have no public URL; deliver them through a view.")


def private_storage() -> PrivateStorage:
    return PrivateStorage()
