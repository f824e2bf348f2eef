"""Thumbnails made once: sorl-thumbnail's backend with a content-addressed cache (tests only).

The demo catalog gives 300 products an image each, and each image two WebP card sizes; encoding
them was two thirds of a seeding test. This backend keys each thumbnail it makes by what decides
its bytes (the source file, the geometry, the options, and the versions of sorl and
Pillow), keeps the bytes under the test media folder, and the next time the same thumbnail is
asked for (the same picture uploaded again, in this run or the next) it copies them instead of
resizing and encoding. What is stored, where, and under which name is what sorl itself does.
"""

import hashlib
import io
import json
import os
from pathlib import Path

import PIL
import sorl
from django.conf import settings as django_settings
from PIL import Image
from sorl.thumbnail.base import ThumbnailBackend
from sorl.thumbnail.conf import settings as sorl_settings
from sorl.thumbnail.engines.pil_engine import Engine as PilEngine
from sorl.thumbnail.images import ImageFile

# WebP's fastest encoder setting (Pillow's `method`, 0–6; sorl leaves Pillow's default 4): the
# same format and size, about four times faster to make, a little larger. Part of the key.
WEBP_METHOD = 0


def cache_dir() -> Path:
    """Shared by every xdist worker of a checkout (tests/settings.py THUMBNAIL_CACHE_DIR)."""
    return Path(django_settings.THUMBNAIL_CACHE_DIR)


def _key(source_image: Image.Image, geometry_string: str, options: dict) -> str:
    described = {k: v for k, v in options.items() if k != "image_info"}
    digest = hashlib.sha256()
    versions = [sorl.__version__, PIL.__version__, WEBP_METHOD, geometry_string]
    digest.update(json.dumps(versions).encode())
    digest.update(json.dumps(described, sort_keys=True, default=repr).encode())
    digest.update(json.dumps(options.get("image_info", {}), sort_keys=True, default=repr).encode())
    # The source file as uploaded (sorl's PIL engine opens it from a BytesIO, decoded only if a
    # thumbnail is made), or else its decoded pixels.
    fp = getattr(source_image, "fp", None)
    if isinstance(fp, io.BytesIO):
        digest.update(b"file " + fp.getvalue())
    else:
        digest.update(f"pixels {source_image.mode} {source_image.size}".encode())
        digest.update(source_image.tobytes())
    return digest.hexdigest()


class ContentAddressedThumbnailBackend(ThumbnailBackend):
    def _create_thumbnail(
        self, source_image, geometry_string: str, options: dict, thumbnail: ImageFile
    ) -> None:
        if sorl_settings.THUMBNAIL_ALTERNATIVE_RESOLUTIONS or not isinstance(
            source_image, Image.Image
        ):
            return super()._create_thumbnail(source_image, geometry_string, options, thumbnail)
        kept = cache_dir() / f"{_key(source_image, geometry_string, options)}"
        if kept.exists():
            data = kept.read_bytes()
            thumbnail.write(data)
            thumbnail.set_size(Image.open(io.BytesIO(data)).size)
            return None
        super()._create_thumbnail(source_image, geometry_string, options, thumbnail)
        with thumbnail.storage.open(thumbnail.name, "rb") as made:
            data = made.read()
        kept.parent.mkdir(parents=True, exist_ok=True)
        partial = kept.with_name(f"{kept.name}.{os.getpid()}.part")
        partial.write_bytes(data)
        partial.replace(kept)  # atomic: a parallel run never reads half a file
        return None


class FastWebPEngine(PilEngine):
    """sorl's Pillow engine, encoding WebP with the fastest method (tests only: a cold seed of
    the demo catalog encodes 616 thumbnails)."""

    def _get_raw_data(self, image, format_, quality, image_info=None, progressive=False):
        if format_ != "WEBP" or isinstance(image, list) or (image_info or {}).get("icc_profile"):
            return super()._get_raw_data(image, format_, quality, image_info, progressive)
        buffer = io.BytesIO()
        image.save(buffer, format="WEBP", quality=quality, method=WEBP_METHOD)
        return buffer.getvalue()
