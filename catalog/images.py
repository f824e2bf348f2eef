"""Checks and cleaning for uploaded product images, by content and never by file name.

A decompression bomb (a tiny file declaring huge dimensions) is refused from its header alone,
before any pixel is decoded. EXIF (camera, GPS) is dropped; the orientation is applied first.
"""

from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def clean_product_image(upload):
    """Validate and re-encode an upload; returns a new file without metadata."""
    if upload.size > settings.CATALOG_IMAGE_MAX_BYTES:
        raise ValidationError(
            _("The image is too large: at most %(mb)s MB.")
            % {"mb": settings.CATALOG_IMAGE_MAX_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    too_big = _("The image has too many pixels; the largest allowed is %(mp)s megapixels.") % {
        "mp": settings.CATALOG_IMAGE_MAX_PIXELS // 1_000_000
    }
    try:
        with Image.open(upload) as probe:  # reads the header only
            image_format = probe.format
            width, height = probe.size
    except Image.DecompressionBombError:
        raise ValidationError(too_big) from None
    except (UnidentifiedImageError, OSError):
        raise ValidationError(_("This file is not a JPEG, PNG or WebP image.")) from None
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(_("Upload a JPEG, PNG or WebP image."))
    if width * height > settings.CATALOG_IMAGE_MAX_PIXELS:
        raise ValidationError(too_big)
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.load()
            cleaned = ImageOps.exif_transpose(image)
            if image_format == "JPEG" and cleaned.mode not in ("RGB", "L"):
                cleaned = cleaned.convert("RGB")
            buffer = BytesIO()
            cleaned.save(buffer, format=image_format, quality=90)  # no exif= : metadata dropped
    except (OSError, Image.DecompressionBombError, ValueError):
        raise ValidationError(_("The image could not be read; it may be damaged.")) from None
    name = f"{(upload.name or 'image').rsplit('.', 1)[0][:80]}.{ALLOWED_FORMATS[image_format]}"
    buffer.seek(0)
    return InMemoryUploadedFile(
        buffer,
        "image",
        name,
        f"image/{ALLOWED_FORMATS[image_format]}",
        buffer.getbuffer().nbytes,
        None,
    )
