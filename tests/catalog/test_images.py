"""Product image uploads: real format by content, size and pixel caps, EXIF dropped."""

import struct
import time
import zlib
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from catalog.images import clean_product_image
from catalog.models import ProductImage
from tests.factories import ProductFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _image_bytes(fmt: str, size=(40, 30), exif: bool = False) -> bytes:
    image = Image.new("RGB", size, (180, 35, 47))
    buffer = BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x0131] = "GPS-leaking software"  # Software
        image.save(buffer, format=fmt, exif=data)
    else:
        image.save(buffer, format=fmt)
    return buffer.getvalue()


def _png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header declares gigantic dimensions."""
    raw = bytearray(_image_bytes("PNG", size=(1, 1)))
    ihdr = struct.pack(">II", width, height) + bytes(raw[24:29])
    raw[16:29] = ihdr
    raw[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return bytes(raw)


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_are_accepted(fmt):
    cleaned = clean_product_image(_upload(f"photo.{fmt.lower()}", _image_bytes(fmt)))
    with Image.open(cleaned) as image:
        assert image.format == fmt


def test_exif_is_stripped():
    cleaned = clean_product_image(_upload("camera.jpg", _image_bytes("JPEG", exif=True)))
    with Image.open(cleaned) as image:
        assert dict(image.getexif()) == {}


def test_a_gif_or_a_text_file_named_jpg_is_refused():
    with pytest.raises(ValidationError, match="JPEG, PNG or WebP"):
        clean_product_image(_upload("anim.gif", _image_bytes("GIF")))
    with pytest.raises(ValidationError, match="not a JPEG, PNG or WebP"):
        clean_product_image(_upload("notes.jpg", b"hello, I am text"))


def test_decompression_bomb_is_refused_fast_without_decoding():
    bomb = _png_bomb()
    assert len(bomb) < 200
    started = time.monotonic()
    with pytest.raises(ValidationError, match="megapixels"):
        clean_product_image(_upload("bomb.png", bomb))
    assert time.monotonic() - started < 1.0


def test_oversized_file_is_refused(settings):
    settings.CATALOG_IMAGE_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="too large"):
        clean_product_image(_upload("big.png", _image_bytes("PNG", size=(400, 400)) * 2))


def test_staff_upload_an_image_in_the_admin_and_a_bomb_is_refused(client):
    client.force_login(StaffFactory())
    product = ProductFactory()
    ok = client.post(
        "/en/admin/catalog/productimage/add/",
        {
            "product": product.pk,
            "image": _upload("lamp.jpg", _image_bytes("JPEG", size=(64, 48), exif=True)),
            "alt_text_tr": "Kırmızı lamba",
            "alt_text_en": "Red lamp",
            "position": 0,
        },
    )
    assert ok.status_code == 302
    stored = ProductImage.objects.get(product=product)
    assert (stored.width, stored.height) == (64, 48)
    assert stored.alt_text_en == "Red lamp"

    refused = client.post(
        "/en/admin/catalog/productimage/add/",
        {"product": product.pk, "image": _upload("bomb.png", _png_bomb()), "position": 1},
    )
    assert refused.status_code == 200
    assert "megapixels" in refused.text
    assert ProductImage.objects.filter(product=product).count() == 1
