"""Production media on S3-compatible storage (moto's local S3 server): an uploaded product image
and its thumbnails are fetched with 200 through their URLs; digital files stay private."""

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from django.core.files.base import ContentFile

from tests.conftest import _free_port
from tests.factories import ProductFactory, VariantFactory, add_image
from tests.shop.production import production_settings

pytestmark = pytest.mark.django_db

PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::dukkan-media/*",
        }
    ],
}


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_media(s3_server, settings, monkeypatch, tmp_path):
    """Production's storage settings pointed at the local S3 server, with both buckets."""
    import boto3

    env = {
        "MEDIA_S3_BUCKET": "dukkan-media",
        "PRIVATE_MEDIA_S3_BUCKET": "dukkan-private",
        "MEDIA_S3_ENDPOINT_URL": s3_server,
        "MEDIA_S3_REGION": "us-east-1",
    }
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    s3 = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")
    for bucket in ("dukkan-media", "dukkan-private"):
        s3.create_bucket(Bucket=bucket)
    # As docs/deploy.md sets it up: anyone may read the media bucket, nobody the private one.
    s3.put_bucket_policy(Bucket="dukkan-media", Policy=json.dumps(PUBLIC_READ))
    production = production_settings(monkeypatch, tmp_path, **env)
    settings.STORAGES = {**settings.STORAGES, "default": production["STORAGES"]["default"]}
    for key in ("MEDIA_S3_OPTIONS", "PRIVATE_MEDIA_S3_BUCKET"):
        setattr(settings, key, production[key])
    s3.production = production
    _forget_thumbnail_storage()
    yield s3
    _forget_thumbnail_storage()  # sorl keeps its storage for the process: not the S3 one
    for bucket in ("dukkan-media", "dukkan-private"):
        for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"])
        s3.delete_bucket(Bucket=bucket)


def _forget_thumbnail_storage() -> None:
    from django.utils.functional import empty
    from sorl.thumbnail import default

    default.storage._wrapped = empty


def _fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_uploaded_product_image_and_its_thumbnails_are_served_from_object_storage(
    s3_media, s3_server, client
):
    variant = VariantFactory(product=ProductFactory(slug_en="lamp", name_en="Lamp"))
    image = add_image(variant.product, alt="A red lamp")
    assert image.image.url.startswith(f"{s3_server}/dukkan-media/products/")
    status, body = _fetch(image.image.url)
    assert status == 200
    assert body[:3] == b"\xff\xd8\xff"  # the JPEG that was uploaded

    page = client.get("/en/p/lamp/")
    assert page.status_code == 200
    sources = re.findall(r'<img[^>]+src="([^"]+)"', page.text)
    product_images = [s for s in sources if not s.startswith("/static/")]
    assert product_images and all(s.startswith(s3_server) for s in product_images)
    for source in product_images:
        assert _fetch(source)[0] == 200, source
    # The production policy lets the browser load them.
    assert s3_server in [str(s) for s in s3_media.production["SECURE_CSP"]["img-src"]]


def test_digital_files_go_to_the_private_bucket_and_have_no_url(s3_media, s3_server):
    from catalog.models import DigitalFile
    from catalog.storage import private_storage

    # The field's storage is chosen once, at start-up, by this callable.
    assert DigitalFile._meta.get_field("file")._storage_callable is private_storage
    storage = private_storage()
    name = storage.save("digital/poems.pdf", ContentFile(b"%PDF-1.4 poems"))
    keys = [o["Key"] for o in s3_media.list_objects_v2(Bucket="dukkan-private")["Contents"]]
    assert keys == [name]
    assert "Contents" not in s3_media.list_objects_v2(Bucket="dukkan-media")
    with pytest.raises(NotImplementedError):
        storage.url(name)
    assert _fetch(f"{s3_server}/dukkan-private/{name}")[0] == 403  # no anonymous reads
    assert storage.open(name).read() == b"%PDF-1.4 poems"  # the shop itself reads it
